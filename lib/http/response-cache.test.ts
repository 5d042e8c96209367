import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { coalesced } from "../db/data-version";
import { type Handler, responseCache } from "./response-cache";

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server whose app renders `body(n)` (n = renders so far) with a fresh CSP nonce, behind the response cache. */
async function start(opts: {
  version: () => Promise<string>;
  status?: () => number;
  vary?: string;
  delayMs?: number;
}): Promise<{ base: string; renders: () => number; encodings: (string | undefined)[] }> {
  let renders = 0;
  const encodings: (string | undefined)[] = [];
  const app: Handler = async (req, res) => {
    renders++;
    encodings.push(req.headers["accept-encoding"]);
    const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    res.statusCode = opts.status?.() ?? 200;
    res.setHeader("content-security-policy", `script-src 'self' 'nonce-${nonce}'`);
    res.setHeader("content-type", "text/html");
    if (opts.vary) res.setHeader("vary", opts.vary);
    res.write(`<html><script nonce="${nonce}">1</script>`);
    res.end(`<p>${req.url} render ${renders}</p><script nonce="${nonce}">2</script></html>`);
  };
  const cache = responseCache({ version: opts.version, cacheable: (p) => p.startsWith("/view"), maxBytes: 1 << 20 });
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
