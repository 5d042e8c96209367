/**
 * The views' response cache (lib/http/response-cache.ts) in front of the real Next.js app, as `npm start` runs it
 * (on by default): a repeated view is a replay, never one rendered for other request headers (document vs RSC
 * navigation vs prefetch), never one from before a data change, and a request cancelled while its view is looked up
 * leaves nothing for the next one to wait on (the browser suite's old hang).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readEnv } from "../../lib/env";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
let client: pg.Client;
let questionId: number;

beforeAll(async () => {
  client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  questionId = (await client.query<{ id: number }>(`SELECT min("id") AS id FROM "Question"`)).rows[0].id;
});
afterAll(async () => client?.end());

async function get(path: string, headers: Record<string, string> = {}) {
  const r = await fetch(appUrl + path, { headers, signal: AbortSignal.timeout(30_000) }).catch((e: Error) => {
    throw new Error(`GET ${path}: ${e.message}`);
  });
  const nonce = /'nonce-([^']+)'/.exec(r.headers.get("content-security-policy") ?? "")?.[1];
  const body = await r.text();
  return {
    status: r.status,
    cache: r.headers.get("x-atlas-cache"),
    type: r.headers.get("content-type") ?? "",
    body,
    // The body with its CSP nonce blanked: a replay differs from its render only there.
    unNonced: nonce ? body.replaceAll(nonce, "N") : body,
  };
}

// The e2e server gets this process's environment (tests/support/global-app.ts): with the cache turned off there is
// nothing here to check.
describe.skipIf(readEnv("ATLAS_RESPONSE_CACHE_MB") === 0)("response cache in front of the app", () => {
  it("replays a document for a document, a navigation payload for a navigation, a prefetch for a prefetch", async () => {
    const path = `/questions/${questionId}`;
    const doc = await get(path);
    const again = await get(path);
    expect([doc.status, again.status]).toEqual([200, 200]);
    expect(again.cache).toBe("hit");
    expect(doc.type).toContain("text/html");
    expect(again.type).toContain("text/html");
    expect(again.unNonced).toBe(doc.unNonced);

    const rsc = await get(path, { rsc: "1" });
    expect(rsc.cache).not.toBe("hit"); // not the document's entry
    expect(rsc.type).toContain("text/x-component");
    expect(rsc.body).not.toContain("<html");
    const rscAgain = await get(path, { rsc: "1" });
    expect(rscAgain.cache).toBe("hit");
    expect(rscAgain.type).toContain("text/x-component");

    const prefetch = await get(path, { rsc: "1", "next-router-prefetch": "1" });
    expect(prefetch.cache).not.toBe("hit");
    expect(prefetch.type).toContain("text/x-component");
  });

  it("never replays a view from before a data change", async () => {
    const before = await get("/runs");
    expect((await get("/runs")).cache).toBe("hit");
    const r = await client.query<{ id: number }>(
      `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "status", "provenance", "importerVersion", "finishedAt")
       SELECT "modelId", "benchmarkId", 'continuation', 'failed', 'imported', 'atlas-import/cache-e2e', now() FROM "Run" LIMIT 1
       RETURNING "id"`,
    );
    const id = r.rows[0].id;
    try {
      const after = await get("/runs");
      expect(after.cache).toBe("miss");
      expect(before.body).not.toContain(`data-run="${id}"`);
      expect(after.body).toContain(`data-run="${id}"`);
      expect((await get("/runs")).cache).toBe("hit");
      await client.query(`UPDATE "Run" SET "status" = 'cancelled' WHERE "id" = $1`, [id]);
      const updated = await get("/runs");
      expect(updated.cache).toBe("miss");
      expect(after.body).toMatch(new RegExp(`data-run="${id}" data-status="failed"`));
      expect(updated.body).toMatch(new RegExp(`data-run="${id}" data-status="cancelled"`));
    } finally {
      await client.query(`DELETE FROM "Run" WHERE "id" = $1`, [id]);
    }
    // The rows are those from before the insert again, and so is the version (row count, newest xmin): the answer
    // from before may be replayed — it shows exactly these rows.
    const gone = await get("/runs");
    expect(gone.body).not.toContain(`data-run="${id}"`);
  });

  it("follows stored recalibration results, written off the request thread with no other write", async () => {
    // The recalibrated heatmap answers "computing…" until its result row exists: that answer must not outlive it.
    await get("/");
    expect((await get("/")).cache).toBe("hit");
    const run = (await client.query<{ id: number }>(`SELECT min("id") AS id FROM "Run"`)).rows[0].id;
    await client.query(`INSERT INTO "RecalibrationResult" ("runId", "method", "statsVersion", "result") VALUES ($1, 'cache-e2e', '', '{}')`, [run]);
    try {
      expect((await get("/")).cache).toBe("miss");
    } finally {
      await client.query(`DELETE FROM "RecalibrationResult" WHERE "method" = 'cache-e2e'`);
    }
  });

  it("a request cancelled while its view is looked up leaves nothing for the next one to wait on", async () => {
    // Cancelled after 0–24 ms: some land during the data-version read, before the render starts (Next.js then never
    // ends the response). Each attempt uses a URL of its own, so no earlier entry answers it.
    for (let i = 0; i < 25; i++) {
      const path = `/questions/${questionId}?attempt=${i}`;
      const ac = new AbortController();
      void fetch(appUrl + path, { signal: ac.signal }).then((r) => r.text()).catch(() => null);
      await new Promise((r) => setTimeout(r, i));
      ac.abort();
      const next = await get(path);
      expect(next.status, path).toBe(200);
      expect(next.type, path).toContain("text/html");
    }
  });
});
