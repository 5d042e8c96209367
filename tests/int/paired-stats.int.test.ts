/**
 * PairedSignificance (lib/db/paired-stats.ts): the per-language paired bootstrap of the pairs /smoothing compares
 * (β > 0 against β = 0 of the same family × SFT dataset, tuned against base), stored with the runs' statistics.
 * Stored rows are exactly what GET /smoothing/significance computes on request (same text); only those pairs are
 * stored; a recompute replaces them, a deleted run takes them
 * along, a row older than either run's statistics is ignored, and pairs not stored are computed on request.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { writeScoresFile } from "../support/scores-file";

const DIR = path.resolve(__dirname, `../../.atlas-test/paired-stats-${process.pid}`);
const N = 150;
let db: TestDatabase;
let pool: import("pg").Pool;
const runs: Record<string, number> = {};

/** N questions in each of de and en; `skill` moves the model's probability of the right answer. */
const scoresFile = (name: string, skill: number, seed: number) =>
  writeScoresFile(DIR, name, { skill, seed, n: N, languages: ["de", "en"] });

/** A tuned model of family Fam (SFT dataset `sft`, label smoothing β), or with `sft` null the base model Fam. */
async function importRun(key: string, sft: string | null, beta: number, skill: number, seed: number): Promise<void> {
  const { importFiles } = await import("../../lib/import/import-files");
  const r = await importFiles({
    db: pool,
    files: [scoresFile(key, skill, seed)],
    benchmark: "Bench",
    ...(sft === null ? { model: "Fam" } : { model: `Fam-${sft}-b${beta}`, base: "Fam", family: "Fam", sft, beta }),
  });
  runs[key] = r.runId;
}

interface Row {
  runA: number;
  runB: number;
  languageCode: string;
  result: Record<string, unknown>;
  computedAt: Date;
}
const stored = async () =>
  (await pool.query<Row>(`SELECT * FROM "PairedSignificance" ORDER BY "runA", "runB", "languageCode"`)).rows;
const pairsOf = (rows: Row[]) => rows.map((r) => `${r.runA}>${r.runB} ${r.languageCode}`);
/** The expected rows of pairs given as [run A key, run B key], in both languages, in the table's order. */
const expected = (...pairs: [string, string][]) =>
  pairs
    .flatMap(([a, b]) => ["de", "en"].map((l) => ({ a: runs[a], b: runs[b], l })))
    .sort((x, y) => x.a - y.a || x.b - y.b || (x.l < y.l ? -1 : 1))
    .map((x) => `${x.a}>${x.b} ${x.l}`);

const get = async (a: number, b: number, language: string) => {
  const { GET } = await import("../../app/smoothing/significance/route");
  const res = await GET(
    new Request(`http://localhost:3000/smoothing/significance?runA=${a}&runB=${b}&language=${language}`, {
      headers: { host: "localhost:3000" },
    }),
  );
  expect(res.status).toBe(200);
  return res.text();
};
const computations = async () =>
  (await import("../../lib/db/queries/smoothing-significance")).significanceComputations.count;

beforeAll(async () => {
  db = await freshDatabase("paired_stats");
  process.env.DATABASE_URL = db.url;
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  mkdirSync(DIR, { recursive: true });
  // β = 0.1 first: no partner yet. Then its β = 0 partner (stores that pair), the base model (stores its pairs with
  // both), β = 0.2 (its own two), and a β = 0.1 model of another SFT dataset with no β = 0 run (only against base).
  await importRun("b01", "Alpaca", 0.1, 0.5, 2);
  await importRun("b0", "Alpaca", 0, 0.3, 1);
  await importRun("base", null, 0, 0.2, 5);
  await importRun("b02", "Alpaca", 0.2, 0.7, 3);
  await importRun("other", "Tulu", 0.1, 0.6, 4);
});

afterAll(async () => {
  await (await import("../../lib/compute/bootstrap-pool")).bootstrapPool().close();
  await pool?.end();
  await db?.drop();
  rmSync(DIR, { recursive: true, force: true });
});

describe("PairedSignificance", () => {
  const ALL: [string, string][] = [
    ["b0", "b01"], ["b0", "b02"], ["base", "b0"], ["base", "b01"], ["base", "b02"], ["base", "other"],
  ];

  it("stores β > 0 against β = 0 of the same family × SFT dataset, and tuned against base, in every language", async () => {
    expect(pairsOf(await stored())).toEqual(expected(...ALL));
  });

  it("stores exactly what the route computes on request, and the route answers from the row", async () => {
    const { computePairedSignificance, inProcessRunner } = await import("../../lib/db/paired-stats");
    const before = await computations();
    for (const row of await stored()) {
      const bench = await pool.query<{ benchmarkId: number }>(`SELECT "benchmarkId" FROM "Run" WHERE "id" = $1`, [row.runA]);
      const computed = await computePairedSignificance(pool, row.runA, row.runB, row.languageCode, bench.rows[0].benchmarkId, inProcessRunner);
      expect(row.result).toEqual(computed);
      expect(computed.n).toBe(N);
      expect(Object.keys(computed.metrics)).toEqual(["ece", "accuracy", "entropy"]);
      // Same bytes from the route (the stored row's keys put back in the computed order).
      expect(await get(row.runA, row.runB, row.languageCode)).toBe(JSON.stringify(computed));
    }
    expect((await computations()) - before).toBe(0);
  });

  it("computes pairs not stored on request, with the numbers it would have stored", async () => {
    const [row] = await stored();
    await pool.query(`DELETE FROM "PairedSignificance" WHERE "runA" = $1 AND "runB" = $2 AND "languageCode" = $3`, [
      row.runA, row.runB, row.languageCode,
    ]);
    const before = await computations();
    expect(JSON.parse(await get(row.runA, row.runB, row.languageCode))).toEqual(row.result);
    expect((await computations()) - before).toBe(1);
    // Not a pair the page compares (β = 0.1 of another SFT dataset against this β = 0): computed, never stored.
    expect(JSON.parse(await get(runs.b0, runs.other, "en")).n).toBe(N);
  });

  it("ignores a row older than either run's statistics of that language", async () => {
    const [, row] = await stored();
    await pool.query(
      `UPDATE "PairedSignificance" SET "result" = jsonb_set("result", '{n}', '1'), "computedAt" = "computedAt" - interval '1 day'
       WHERE "runA" = $1 AND "runB" = $2 AND "languageCode" = $3`,
      [row.runA, row.runB, row.languageCode],
    );
    const before = await computations();
    expect(JSON.parse(await get(row.runA, row.runB, row.languageCode)).n).toBe(N);
    expect((await computations()) - before).toBe(1);
  });

  it("a recompute of either run replaces its rows (only its languages), with the same numbers on a thread pool", async () => {
    const { recomputeRunStats } = await import("../../lib/db/stats");
    const { inTransaction } = await import("../../lib/db/pool");
    const { ThreadPool } = await import("../../lib/compute/thread-pool");
    const { computeThreadFile } = await import("../../lib/compute/pool");
    // Restore the rows the tests above removed or aged: a full recompute of the β = 0 run stores all its pairs.
    await inTransaction(pool, (c) => recomputeRunStats(c, runs.b0));
    const full = await stored();
    expect(pairsOf(full)).toEqual(expected(...ALL));
    const threads = new ThreadPool(computeThreadFile(), 2, 4);
    try {
      await inTransaction(pool, (c) => recomputeRunStats(c, runs.b02, { languages: ["de"], pool: threads }));
    } finally {
      await threads.close();
    }
    const after = await stored();
    expect(after.map((r) => r.result)).toEqual(full.map((r) => r.result));
    // Replaced: the β = 0.2 run's pairs in de (with β = 0 and with base); every other row kept.
    full.forEach((r, i) => {
      const replaced = r.runB === runs.b02 && r.languageCode === "de";
      expect(after[i].computedAt.getTime() > r.computedAt.getTime(), pairsOf([r])[0]).toBe(replaced);
    });
  });

  it("a bulk fill over the reference runs (β = 0 and base) stores every pair once, with the same numbers, its queries one at a time", async () => {
    const { storeRunPairs } = await import("../../lib/db/paired-stats");
    const { inTransaction } = await import("../../lib/db/pool");
    const { ThreadPool } = await import("../../lib/compute/thread-pool");
    const { computeThreadFile } = await import("../../lib/compute/pool");
    const before = await stored();
    await pool.query(`DELETE FROM "PairedSignificance"`);
    // On a thread pool, pool size + 1 pairs are in flight in one transaction: their queries must take turns on its
    // client (pg deprecates, and warns about, a query sent while others wait on the same client).
    const overlapping: string[] = [];
    const onWarning = (w: Error) => void (/already executing a query/.test(w.message) && overlapping.push(w.message));
    process.on("warning", onWarning);
    const threads = new ThreadPool(computeThreadFile(), 2, 4);
    let n = 0;
    try {
      for (const key of ["b0", "base"]) n += await inTransaction(pool, (c) => storeRunPairs(c, runs[key], { asReference: true, pool: threads }));
    } finally {
      await threads.close();
      await new Promise((r) => setImmediate(r)); // a warning is emitted on the next tick
      process.off("warning", onWarning);
    }
    expect(overlapping).toEqual([]);
    expect(n).toBe(ALL.length * 2);
    expect((await stored()).map((r) => [pairsOf([r])[0], r.result])).toEqual(before.map((r) => [pairsOf([r])[0], r.result]));
  });

  it("`calib recompute` of every run stores each pair once, after both runs' statistics", async () => {
    const { calibSpawned } = await import("../support/calib");
    await pool.query(`UPDATE "PairedSignificance" SET "result" = jsonb_set("result", '{n}', '1')`); // stale copies
    const before = await stored();
    const r = await calibSpawned(db.url, ["recompute", "--threads", "0"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`paired bootstraps: ${ALL.length * 2} stored`);
    // The pairs have a progress bar of their own (stderr is not a terminal here: plain lines), counting to every pair
    expect(r.stderr).toMatch(new RegExp(`paired bootstraps, run \\d+ \\[[█░]+\\] ${ALL.length * 2}/${ALL.length * 2} 100%`));
    const after = await stored();
    expect(pairsOf(after)).toEqual(expected(...ALL));
    after.forEach((row, i) => expect(row.result).toEqual({ ...before[i].result, n: N }));
    // Each row is newer than both runs' statistics of its language, so the route answers from it.
    const newest = await pool.query<{ runId: number; languageCode: string; t: Date }>(
      `SELECT "runId", "languageCode", max("computedAt") AS t FROM "RunLanguageStats" GROUP BY 1, 2`,
    );
    const statsAt = new Map(newest.rows.map((x) => [`${x.runId} ${x.languageCode}`, x.t.getTime()]));
    for (const row of after)
      for (const run of [row.runA, row.runB])
        expect(row.computedAt.getTime()).toBeGreaterThanOrEqual(statsAt.get(`${run} ${row.languageCode}`)!);
    const served = await computations();
    expect(JSON.parse(await get(after[0].runA, after[0].runB, after[0].languageCode)).n).toBe(N);
    expect((await computations()) - served).toBe(0);
  });

  it("a deleted run takes its rows along", async () => {
    const { deleteRun } = await import("../../lib/db/runs");
    await deleteRun(pool, runs.b01);
    expect(pairsOf(await stored())).toEqual(expected(["b0", "b02"], ["base", "b0"], ["base", "b02"], ["base", "other"]));
    await deleteRun(pool, runs.b0);
    expect(pairsOf(await stored())).toEqual(expected(["base", "b02"], ["base", "other"]));
    await deleteRun(pool, runs.base);
    expect(await stored()).toEqual([]);
  });
});
