import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { coalesced } from "../db/data-version";
import { ENTRY_SHARE, type Handler, responseCache } from "./response-cache";

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      const closed = new Promise((r) => s.close(r));
      s.closeAllConnections(); // a request left waiting by a failed test must not hold the hook
      return closed;
    }),
  );
});

/** A server whose app renders `body(n)` (n = renders so far) with a fresh CSP nonce, behind the response cache. */
async function start(opts: {
  version: () => Promise<string>;
  status?: () => number;
  vary?: string;
  delayMs?: number;
  maxBytes?: number;
  /** Replaces the default app (after the render count). */
  app?: Handler;
}): Promise<{ base: string; renders: () => number; encodings: (string | undefined)[] }> {
  let renders = 0;
  const encodings: (string | undefined)[] = [];
  const app: Handler = async (req, res) => {
    renders++;
    encodings.push(req.headers["accept-encoding"]);
    if (opts.app) return opts.app(req, res);
    const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    res.statusCode = opts.status?.() ?? 200;
    res.setHeader("content-security-policy", `script-src 'self' 'nonce-${nonce}'`);
    res.setHeader("content-type", "text/html");
    if (opts.vary) res.setHeader("vary", opts.vary);
    res.write(`<html><script nonce="${nonce}">1</script>`);
    res.end(`<p>${req.url} render ${renders}</p><script nonce="${nonce}">2</script></html>`);
  };
  const cache = responseCache({ version: opts.version, cacheable: (p) => p.startsWith("/view"), maxBytes: opts.maxBytes ?? 1 << 20 });
  const server = http.createServer((req, res) => void cache.serve(req, res, app));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, renders: () => renders, encodings };
}

const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];

describe("responseCache", () => {
  it("renders once per (URL, data version) and replays with a fresh nonce in header and body", async () => {
    let version = "v1";
    const s = await start({ version: async () => version });
    const a = await fetch(`${s.base}/view?x=1`, { headers: { "accept-encoding": "gzip" } });
    const aBody = await a.text();
    const b = await fetch(`${s.base}/view?x=1`);
    const bBody = await b.text();
    expect(s.renders()).toBe(1);
    expect(s.encodings).toEqual([undefined]); // rendered uncompressed for the cache
    expect(a.headers.get("x-atlas-cache")).toBe("miss");
    expect(b.headers.get("x-atlas-cache")).toBe("hit");
    const na = nonceOf(a.headers.get("content-security-policy"));
    const nb = nonceOf(b.headers.get("content-security-policy"));
    expect(na && nb && na !== nb).toBeTruthy();
    expect(aBody.split(na!).length).toBe(3);
    expect(bBody.split(nb!).length).toBe(3);
    expect(bBody).not.toContain(na!);
    expect(bBody.replaceAll(nb!, "N")).toBe(aBody.replaceAll(na!, "N"));
    expect(Number(b.headers.get("content-length"))).toBe(Buffer.byteLength(bBody));
    // Another URL, then a change of data: rendered again.
    await (await fetch(`${s.base}/view?x=2`)).text();
    expect(s.renders()).toBe(2);
    version = "v2";
    const c = await (await fetch(`${s.base}/view?x=1`)).text();
    expect(s.renders()).toBe(3);
    expect(c).toContain("render 3");
  });

  it("passes through what it must not keep: other paths, non-GET, non-200, unknown Vary, database down", async () => {
    let status = 500;
    const s = await start({ version: async () => "v", status: () => status });
    await (await fetch(`${s.base}/view`)).text();
    await (await fetch(`${s.base}/view`)).text();
    expect(s.renders()).toBe(2); // 500 is not kept
    status = 200;
    await (await fetch(`${s.base}/other`)).text();
    await (await fetch(`${s.base}/other`)).text();
    await (await fetch(`${s.base}/view`, { method: "POST" })).text();
    expect(s.renders()).toBe(5);

    const v = await start({ version: async () => "v", vary: "Cookie" });
    await (await fetch(`${v.base}/view`)).text();
    await (await fetch(`${v.base}/view`)).text();
    expect(v.renders()).toBe(2);

    const down = await start({ version: () => Promise.reject(new Error("database down")) });
    await (await fetch(`${down.base}/view`)).text();
    await (await fetch(`${down.base}/view`)).text();
    expect(down.renders()).toBe(2);
  });

  it("keys on the RSC headers: a navigation payload is not served for a document", async () => {
    const s = await start({ version: async () => "v" });
    await (await fetch(`${s.base}/view`)).text();
    await (await fetch(`${s.base}/view`, { headers: { rsc: "1" } })).text();
    await (await fetch(`${s.base}/view`, { headers: { rsc: "1" } })).text();
    expect(s.renders()).toBe(2);
  });

  it("shares one render among identical concurrent misses", async () => {
    const s = await start({ version: async () => "v", delayMs: 50 });
    const bodies = await Promise.all(Array.from({ length: 8 }, () => fetch(`${s.base}/view?c=1`).then((r) => r.text())));
    expect(s.renders()).toBe(1);
    expect(new Set(bodies.map((b) => b.replace(/nonce="[^"]+"/g, ""))).size).toBe(1);
  });
});

/**
 * The app as Next.js behaves (next/dist/server/pipe-readable.js): nothing at all for a response that is already
 * destroyed, otherwise the body in chunks, each write waiting for 'drain' when the socket is backed up.
 */
function nextLikeApp(body: Buffer, chunk = 64 * 1024): Handler {
  return async (_req, res) => {
    if (res.destroyed) return;
    res.statusCode = 200;
    res.setHeader("content-type", "text/html");
    for (let at = 0; at < body.length; at += chunk) {
      if (!res.write(body.subarray(at, at + chunk)))
        await new Promise<void>((r) => {
          const go = () => {
            res.off("drain", go).off("close", go);
            r();
          };
          res.on("drain", go).on("close", go);
        });
      if (res.destroyed) return;
    }
    res.end();
  };
}

/** The response's body, or a rejection naming the wait when it takes longer than `ms` (instead of a test timeout). */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe("responseCache: a shared render always settles", () => {
  it("a client that aborts while the version is read leaves no capture for the next request to wait on", async () => {
    // The browser suite's hang: a prefetch or superseded navigation cancelled during the version read.
    let gate: (() => void) | null = null;
    let reads = 0;
    const s = await start({
      version: () => (reads++ === 0 ? new Promise<string>((r) => (gate = () => r("v"))) : Promise.resolve("v")),
      app: nextLikeApp(Buffer.from("<html>question</html>")),
    });
    const ac = new AbortController();
    const first = fetch(`${s.base}/view/q`, { signal: ac.signal }).catch((e: Error) => e.name);
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    expect(await first).toBe("AbortError");
    await new Promise((r) => setTimeout(r, 50)); // the server has seen the client go
    gate!();
    const body = await within(5000, "request after an aborted one", fetch(`${s.base}/view/q`).then((r) => r.text()));
    expect(body).toBe("<html>question</html>");
    expect(await (await fetch(`${s.base}/view/q`)).text()).toBe("<html>question</html>");
  }, 20_000);

  for (const [name, maxBytes] of [
    ["a first client that does not read its answer does not hold back those waiting on its render", 1 << 30],
    ["a body over the budget is given up at once: those waiting render for themselves", 1 << 20],
  ] as const)
    it(name, async () => {
      // More than loopback's socket buffers hold, so the render waits on the first client's reading unless
      // the capture decouples it (or gives up).
      const big = Buffer.alloc(24 << 20, "x");
      const s = await start({ version: async () => "v", app: nextLikeApp(big), maxBytes });
      const { port } = new URL(s.base);
      let stalled: http.ClientRequest | undefined;
      const headers = new Promise<http.IncomingMessage>((resolve, reject) => {
        stalled = http.get({ host: "127.0.0.1", port, path: "/view/big" }, resolve).on("error", reject);
      });
      const res = await headers;
      res.pause(); // reads nothing more
      try {
        const second = await within(10_000, "request beside a stalled one", fetch(`${s.base}/view/big`).then((r) => r.arrayBuffer()));
        expect(second.byteLength).toBe(big.length);
        // Kept and replayed (1 render), or given up and rendered again (2).
        expect(s.renders()).toBe(maxBytes >= ENTRY_SHARE * big.length ? 1 : 2);
      } finally {
        stalled?.destroy();
      }
    }, 20_000);
});

describe("coalesced version reads", () => {
  it("never answers with a read that started before the call, and shares reads among waiting callers", async () => {
    let reads = 0;
    let value = 0;
    const gates: (() => void)[] = [];
    const read = coalesced(() => {
      reads++;
      const v = ++value;
      return new Promise<string>((r) => gates.push(() => r(String(v))));
    });
    const first = read(); // read 1 starts
    const second = read(); // waits for read 1, then shares read 2
    const third = read();
    expect(reads).toBe(1);
    gates.shift()!();
    expect(await first).toBe("1");
    await new Promise((r) => setTimeout(r, 0));
    expect(reads).toBe(2);
    gates.shift()!();
    expect(await second).toBe("2");
    expect(await third).toBe("2");
  });
});
