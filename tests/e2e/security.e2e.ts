/**
 * The web server's guards as a browser and an attacker see them (SECURITY.md): every page loads under
 * the Content-Security-Policy without a console error or CSP violation, every response carries the
 * security headers, a foreign Host header is refused (DNS rebinding), and unauthenticated answers show
 * no absolute paths or raw worker errors.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openE2eSession, type E2eSession } from "../support/e2e-session";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
const TOKEN = "e2e-token"; // ATLAS_API_TOKEN of the e2e server (tests/support/global-app.ts)
const SECRET_DIR = "/srv/secret-lab/run-area";
const RAW_ERROR = `ENOENT: no such file or directory, open '${SECRET_DIR}/models/tiny.onnx'\n    at openSync (node:fs:573:18)\n    at loadModel (${SECRET_DIR}/workers/model/load.ts:12:3)`;
let session: E2eSession;
let runId: number;

/** A raw HTTP GET with any Host header (fetch does not let a caller set Host). */
function getWithHost(pathname: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(appUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: pathname, method: "GET", headers: { Host: host } },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  session = await openE2eSession(appUrl, dbUrl);
  const base = session.fx.models.find((m) => m.sftDataset === null)!;
  // A failed worker run that stored what a real one stores: absolute paths in its config and files, a stack trace.
  const r = await session.client.query<{ id: number }>(
    `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "status", "provenance", "config", "sourceFiles", "error", "finishedAt")
     VALUES ($1, $2, 'letter', 'failed', 'worker', $3, $4, $5, now()) RETURNING "id"`,
    [
      base.id,
      session.fx.benchmarkId,
      JSON.stringify({ data: `${SECRET_DIR}/data/global-mmlu`, onnxPath: `${SECRET_DIR}/models/tiny.onnx`, batchSize: 8 }),
      JSON.stringify([{ path: `${SECRET_DIR}/data/de.jsonl`, sha256: "ab12", bytes: 10 }]),
      RAW_ERROR,
    ],
  );
  runId = r.rows[0].id;
});
afterAll(async () => {
  await session.client.query(`DELETE FROM "Run" WHERE "id" = $1`, [runId]);
  await session.close();
});

describe("every page under the Content-Security-Policy", () => {
  it("loads without console errors or CSP violations, with the security headers on the document", async () => {
    const questionId = Object.values(session.fx.questionIds)[0][0];
    const pages = ["/", "/reliability", "/smoothing", "/results", "/runs", "/questions", `/questions/${questionId}`];
    const problems: string[] = [];
    const { page } = session;
    let at = "";
    page.on("console", (m) => {
      // The app has no favicon: the browser's own request for one is no page error.
      if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) problems.push(`${at}: console: ${m.text()} (${m.location().url})`);
    });
    page.on("pageerror", (e) => problems.push(`${at}: pageerror: ${e.message}`));
    // Injected by the browser driver, outside the page's CSP: records every violation from the first script on.
    await page.addInitScript(() => {
      const w = window as { __csp?: string[] };
      w.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => w.__csp!.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    for (const p of pages) {
      at = p;
      const res = await page.goto(appUrl + p, { waitUntil: "networkidle" });
      expect(res?.status(), p).toBe(200);
      const h = res!.headers();
      expect(h["content-security-policy"], p).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(h["content-security-policy"], p).toContain("frame-ancestors 'none'");
      expect(h["x-content-type-options"], p).toBe("nosniff");
      expect(h["x-frame-options"], p).toBe("DENY");
      expect(h["referrer-policy"], p).toBe("no-referrer");
      // Next.js hydrated the page: its scripts ran under the nonce (a blocked bootstrap leaves no React root).
      await expect.poll(() => page.evaluate(() => typeof (window as { next?: unknown }).next), { timeout: 15_000 }).toBe("object");
      const violations = await page.evaluate(() => (window as { __csp?: string[] }).__csp ?? []);
      expect(violations, p).toEqual([]);
    }
    expect(problems).toEqual([]);
  });

  it("puts the headers on API answers and static files too", async () => {
    for (const p of ["/api/health", "/api/runs?limit=1"]) {
      const r = await fetch(appUrl + p);
      expect(r.headers.get("x-content-type-options"), p).toBe("nosniff");
      expect(r.headers.get("content-security-policy"), p).toContain("default-src 'self'");
    }
    const html = await (await fetch(appUrl + "/")).text();
    const asset = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeTruthy();
    const r = await fetch(appUrl + asset);
    expect(r.status).toBe(200);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("uploads bypass the proxy", () => {
  const serverLog = path.resolve(__dirname, "../../test-results/next-server.log");
  const truncations = () => (readFileSync(serverLog, "utf8").match(/Request body exceeded/g) ?? []).length;
  const post = (type: string) =>
    fetch(`${appUrl}/api/imports`, {
      method: "POST",
      headers: { "Content-Type": type, Authorization: "Bearer wrong-token" },
      body: new Uint8Array(11 * 1024 * 1024),
    });

  it("a multipart body over 10 MB is never copied (and cut) by the proxy; it still gets the static headers", async () => {
    // The proxy's body copy reads the whole body even when the route answers 401 at once: a body it
    // saw leaves a warning in the server log. A plain-text body shows the check can see one.
    const before = truncations();
    expect((await post("text/plain")).status).toBe(401);
    await expect.poll(truncations).toBe(before + 1);
    const r = await post("multipart/form-data; boundary=x");
    expect(r.status).toBe(401);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    await new Promise((res) => setTimeout(res, 1000));
    expect(truncations()).toBe(before + 1);
  });
});

describe("Host allowlist", () => {
  it("refuses a foreign Host header with 421 and serves the local names", async () => {
    for (const host of ["evil.example", "evil.example:3000", "127.0.0.1.nip.example"]) {
      const r = await getWithHost("/api/runs", host);
      expect(r.status, host).toBe(421);
      expect(r.body).not.toContain("runs");
    }
    const port = new URL(appUrl).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`])
      expect((await getWithHost("/api/health", host)).status, host).toBe(200);
  });
});

describe("unauthenticated answers", () => {
  it("GET /api/runs shows base names and an error summary; the token unlocks the full error", async () => {
    const anon = await (await fetch(`${appUrl}/api/runs?ids=${runId}`)).text();
    expect(anon).not.toContain(SECRET_DIR);
    const run = JSON.parse(anon).runs[0];
    expect(run.error).toBe("ENOENT: no such file or directory, open 'tiny.onnx'");
    expect(run.config).toEqual({ data: "global-mmlu", onnxPath: "tiny.onnx", batchSize: 8 });
    expect(run.sourceFiles).toEqual([{ name: "de.jsonl", sha256: "ab12", bytes: 10 }]);
    const authed = await (
      await fetch(`${appUrl}/api/runs?ids=${runId}`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).json();
    expect(authed.runs[0].error).toBe(RAW_ERROR);
    expect(authed.runs[0].config.onnxPath).toBe("tiny.onnx"); // paths stay out even then
  });

  it("GET /api/runs is paginated: limit ≤ 200 (default 50), offset, page.nextOffset", async () => {
    const first = await (await fetch(`${appUrl}/api/runs?limit=1`)).json();
    expect(first.runs).toHaveLength(1);
    expect(first.page).toEqual({ limit: 1, offset: 0, nextOffset: 1 });
    const second = await (await fetch(`${appUrl}/api/runs?limit=1&offset=1`)).json();
    expect(second.runs[0].id).not.toBe(first.runs[0].id);
    const all = await (await fetch(`${appUrl}/api/runs`)).json();
    expect(all.page.limit).toBe(50);
    for (const bad of ["limit=0", "limit=201", "limit=x", "offset=-1"]) {
      const r = await fetch(`${appUrl}/api/runs?${bad}`);
      expect(r.status, bad).toBe(400);
    }
  });

  it("the /runs page shows no absolute path and no stack trace", async () => {
    const html = await (await fetch(`${appUrl}/runs`)).text();
    expect(html).toContain("tiny.onnx");
    expect(html).not.toContain(SECRET_DIR);
    expect(html).not.toContain("openSync");
  });
});
