/**
 * The data version the response cache and the versioned query caches key on (lib/db/data-version.ts) changes with
 * every write a view can show: an import (new run, predictions, statistics), a statistics recompute, a worker's
 * progress (Run counter, RunSplit row), a cancel, a run's deletion — and stays put when nothing is written.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { dataVersion, LIVE_TABLES, VIEW_TABLES } from "../../lib/db/data-version";

const DIR = path.resolve(__dirname, `../../.atlas-test/data-version-${process.pid}`);
let db: TestDatabase;
let pool: import("pg").Pool;

function scoresFile(name: string, n: number): string {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `q${i}`, language: "en", probs: [0.7, 0.1, 0.1, 0.1], label: i % 4 }),
  );
  const file = path.join(DIR, `${name}.jsonl`);
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

beforeAll(async () => {
  db = await freshDatabase("data_version");
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  mkdirSync(DIR, { recursive: true });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
  rmSync(DIR, { recursive: true, force: true });
});

describe("dataVersion", () => {
  it("changes with every write a view shows, and only then", async () => {
    const live = () => dataVersion(pool, LIVE_TABLES);
    const views = () => dataVersion(pool, VIEW_TABLES);
    const v0 = await live();
    expect(await live()).toBe(v0);

    const { importFiles } = await import("../../lib/import/import-files");
    const { runId } = await importFiles({ db: pool, files: [scoresFile("A", 40)], model: "M-A", benchmark: "Bench" });
    const v1 = await live();
    expect(v1).not.toBe(v0);
    const w1 = await views();

    const { recomputeRunStats } = await import("../../lib/db/stats");
    const client = await pool.connect();
    try {
      await recomputeRunStats(client, runId);
    } finally {
      client.release();
    }
    const v2 = await live();
    expect(v2).not.toBe(v1);
    expect(await views()).not.toBe(w1);

    // A worker's progress: the run's counter (views), a split's row (runs page only).
    await pool.query(`UPDATE "Run" SET "progressDone" = "progressDone" WHERE "id" = $1`, [runId]);
    const v3 = await live();
    expect(v3).not.toBe(v2);
    const w3 = await views();
    await pool.query(`INSERT INTO "RunSplit" ("runId", "languageCode", "status", "total") VALUES ($1, 'en', 'running', 40)`, [runId]);
    const v4 = await live();
    expect(v4).not.toBe(v3);
    await pool.query(`UPDATE "RunSplit" SET "done" = 8, "heartbeatAt" = now() WHERE "runId" = $1`, [runId]);
    const v5 = await live();
    expect(v5).not.toBe(v4);
    expect(await views()).toBe(w3);

    await pool.query(`DELETE FROM "Run" WHERE "id" = $1`, [runId]);
    expect(await live()).not.toBe(v5);
  });
});
