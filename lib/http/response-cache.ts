/**
 * Server-side response cache for the views (issue 12 §2): a view is a pure function of its URL and the stored data,
 * so its rendered response is kept (lib/cache's LRU, bounded in bytes) under the URL, the request headers the
 * response varies on, and the data version (lib/db/data-version.ts: any write to runs, statistics, published
 * figures, splits or import jobs changes it). A repeated view then costs the version read and a copy instead of a
 * 100–300 ms server render of up to 1.1 MiB. Concurrent identical misses share one render (single flight), which
 * therefore must settle whatever its own client does (see `capture`).
 *
 * What is kept: 200 answers to GET on the view paths (`cacheable`), without Set-Cookie, whose Vary names only
 * headers in the key. The Content-Security-Policy nonce (proxy.ts: a fresh one per response) is replaced by a fresh
 * one on every replay — in the header and in the body — so no two responses share a nonce. Cached requests are
 * rendered uncompressed (their Accept-Encoding is dropped), so the stored body is the plain one the nonce
 * substitution works on. When the version cannot be read (database down) the request goes to the app, which answers
 * 503 itself.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { LruCache } from "../cache/lru-cache";

export interface CachedResponse {
  status: number;
  headers: [string, string | string[]][];
  /** The body split at each occurrence of the nonce. */
  parts: Buffer[];
  nonce: string | null;
  bytes: number;
}

export interface ResponseCacheOptions {
  /** The data version; rejects when the database is not reachable. */
  version: () => Promise<string>;
  /** Paths whose GET responses are functions of (URL, data) alone. */
  cacheable: (pathname: string) => boolean;
  maxBytes: number;
}

/** Request headers a response may vary on (Next.js's RSC navigation headers) and that are part of the key. */
const KEY_HEADERS = [
  "host",
  "rsc",
  "next-router-state-tree",
  "next-router-prefetch",
  "next-router-segment-prefetch",
  "next-url",
] as const;
const NOT_REPLAYED = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length"]);

const NONCE = /'nonce-([A-Za-z0-9+/=]+)'/;
/**
 * One response may take at most this share of the budget (16 MiB of the default 256): views are 26–1,096 KiB at
 * full size, and a capture buffers without backpressure, so this also bounds what one slow client can pin.
 */
export const ENTRY_SHARE = 16;

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export function responseCache(opts: ResponseCacheOptions) {
  const cache = new LruCache<CachedResponse | null>({
    maxEntries: 10_000,
    maxBytes: opts.maxBytes,
    sizeOf: (r) => r?.bytes ?? 0,
  });
  const stats = { hits: 0, misses: 0, bypass: 0 };

  async function serve(req: IncomingMessage, res: ServerResponse, app: Handler): Promise<void> {
    const url = req.url ?? "/";
    const pathname = url.split("?")[0];
    if (req.method !== "GET" || !opts.cacheable(pathname) || opts.maxBytes <= 0) {
      stats.bypass++;
      return app(req, res);
    }
    let version: string;
    try {
      version = await opts.version();
    } catch {
      stats.bypass++;
      return app(req, res);
    }
    const key = [version, url, ...KEY_HEADERS.map((h) => String(req.headers[h] ?? ""))].join("\n");
    const hit = cache.get(key);
    if (hit) {
      stats.hits++;
      return replay(res, hit, "hit");
    }
    stats.misses++;
    // The first request of a key renders (streamed to it as usual) and is captured; identical requests meanwhile
    // wait for that capture and replay it, or render for themselves when it could not be kept.
    let mine = false;
    const captured = await cache
      .getOrCompute(
        key,
        () => {
          mine = true;
          return capture(req, res, app, Math.floor(opts.maxBytes / ENTRY_SHARE));
        },
        (r) => r !== null,
      )
      .catch(() => null);
    if (mine) return;
    if (captured) return replay(res, captured, "shared");
    return app(req, res);
  }

  return { serve, stats, cache };
}

/**
 * Hands the request to the app while recording what it writes; resolves with the response when it can be kept, and
 * with null as soon as it is known that it cannot — identical requests wait on this promise (single flight), so it
 * must settle whatever the client does:
 * - a client gone before the capture starts (it aborted during the version read — browsers cancel prefetches and
 *   superseded navigations all the time): its 'close' was emitted before a listener could exist, and Next.js, seeing
 *   a destroyed response, returns without ever ending it (next/dist/server/pipe-readable.js). This was the hang of
 *   the browser suite: the flight never settled and every later request for that URL and data version waited on it;
 * - a client that reads slowly or not at all: the app's writes are not held back by it (write() reports no
 *   backpressure while capturing; the body is buffered anyway), so the render ends at render speed for the waiters;
 * - a body over `maxBytes` (a share of the budget, ENTRY_SHARE), or a status other than 200: given up at once,
 *   backpressure restored.
 */
function capture(req: IncomingMessage, res: ServerResponse, app: Handler, maxBytes: number): Promise<CachedResponse | null> {
  if (res.destroyed) return Promise.resolve(null);
  delete req.headers["accept-encoding"];
  res.setHeader("x-atlas-cache", "miss");
  let chunks: Buffer[] = [];
  let bytes = 0;
  let capturing = true;
  let settle: (r: CachedResponse | null) => void = () => {};
  const giveUp = () => {
    capturing = false;
    chunks = [];
    settle(null);
  };
  const add = (chunk: unknown, encoding?: unknown) => {
    if (!capturing || chunk === undefined || chunk === null || typeof chunk === "function") return;
    if (res.statusCode !== 200) return giveUp();
    let b: Buffer;
    if (typeof chunk === "string") b = Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
    else if (chunk instanceof Uint8Array) b = Buffer.from(chunk);
    else return giveUp();
    bytes += b.length;
    if (bytes > maxBytes) return giveUp();
    chunks.push(b);
  };
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  return new Promise<CachedResponse | null>((resolve) => {
    settle = resolve;
    // Headers handed to writeHead directly are not visible to getHeaders(): set them on the response first.
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      const headers = rest.find((x) => x && typeof x === "object") as OutgoingHttpHeaders | string[] | undefined;
      const message = typeof rest[0] === "string" ? rest[0] : undefined;
      if (Array.isArray(headers)) for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(headers[i], headers[i + 1]);
      else if (headers) for (const [k, v] of Object.entries(headers)) if (v !== undefined) res.setHeader(k, v);
      if (status !== 200) giveUp();
      return message === undefined ? writeHead(status) : writeHead(status, message);
    }) as ServerResponse["writeHead"];
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      add(chunk, rest[0]);
      const ok = write(chunk, ...rest);
      return capturing || ok;
    }) as ServerResponse["write"];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      add(chunk, rest[0]);
      const out = end(chunk, ...rest);
      resolve(capturing ? keepable(res, Buffer.concat(chunks)) : null);
      return out;
    }) as ServerResponse["end"];
    res.once("close", giveUp); // aborted before the end: nothing kept (no-op after a resolve)
    Promise.resolve(app(req, res)).catch(giveUp);
  });
}

function keepable(res: ServerResponse, body: Buffer): CachedResponse | null {
  if (res.statusCode !== 200) return null;
  const h = res.getHeaders();
  if (h["set-cookie"] !== undefined || h["content-encoding"] !== undefined) return null;
  const vary = String(h["vary"] ?? "")
    .split(",")
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
  if (vary.some((v) => v !== "accept-encoding" && !(KEY_HEADERS as readonly string[]).includes(v))) return null;
  const csp = String(h["content-security-policy"] ?? "");
  const nonce = NONCE.exec(csp)?.[1] ?? null;
  const parts: Buffer[] = [];
  if (nonce) {
    const needle = Buffer.from(nonce);
    let from = 0;
    for (let at = body.indexOf(needle); at >= 0; at = body.indexOf(needle, from)) {
      parts.push(body.subarray(from, at));
      from = at + needle.length;
    }
    parts.push(body.subarray(from));
  } else parts.push(body);
  const headers = Object.entries(h)
    .filter(([k, v]) => v !== undefined && !NOT_REPLAYED.has(k))
    .map(([k, v]) => [k, Array.isArray(v) ? v : String(v)] as [string, string | string[]]);
  return { status: 200, headers, parts, nonce, bytes: body.length + 200 * headers.length };
}

function replay(res: ServerResponse, r: CachedResponse, how: "hit" | "shared"): void {
  const nonce = r.nonce ? Buffer.from(randomUUID()).toString("base64") : null;
  const body = nonce ? joinWith(r.parts, Buffer.from(nonce)) : r.parts[0];
  for (const [k, v] of r.headers) {
    res.setHeader(k, nonce && typeof v === "string" ? v.split(r.nonce as string).join(nonce) : v);
  }
  res.setHeader("content-length", body.length);
  res.setHeader("x-atlas-cache", how);
  res.statusCode = r.status;
  res.end(body);
}

function joinWith(parts: Buffer[], sep: Buffer): Buffer {
  const out: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) out.push(sep);
    out.push(p);
  });
  return Buffer.concat(out);
}
