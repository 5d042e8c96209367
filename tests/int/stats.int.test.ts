/**
 * recomputeRunStats against a real PostgreSQL: stored rows equal lib/calibration's computeMetrics and
 * bootstrap on the same data, rows are replaced (not duplicated), the caller's transaction decides,
 * top-label runs use Prediction.correct and leave classwise metrics NULL.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import {
  bootstrapIntervals,
  type CalibrationInput,
  computeMetrics,
  labelledSet,
  METRIC_NAMES,
  Rng,
  topLabelSet,
} from "../../lib/calibration/index";
import { AtlasError } from "../../lib/errors";
import { recomputeRunStats } from "../../lib/db/stats";
import { readEnv } from "../../lib/env";
import { computeThreadFile } from "../../lib/compute/pool";
import { ThreadPool } from "../../lib/compute/thread-pool";

let db: TestDatabase;
let client: pg.Client;

interface Generated {
  questionIds: number[];
  probs: number[][];
  gold: (number | null)[];
  correct: boolean[];
}

async function insertQuestions(benchmarkId: number, lang: string, n: number, rng: Rng, withGold: boolean): Promise<{ ids: number[]; k: number[]; gold: (number | null)[] }> {
  const k = Array.from({ length: n }, (_, i) => (i % 5 === 4 ? 3 : 4)); // variable K: every fifth question has 3 options
  const gold = k.map((kk) => (withGold ? rng.nextInt(kk) : null));
  const res = await client.query<{ id: number }>(
    `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "optionCount", "gold")
     SELECT $1, $2, e, o, g FROM unnest($3::text[], $4::int[], $5::int[]) WITH ORDINALITY AS t(e, o, g, ord) ORDER BY ord
     RETURNING "id"`,
    [benchmarkId, lang, k.map((_, i) => `${lang}-${i}`), k, gold],
  );
  return { ids: res.rows.map((r) => r.id).sort((a, b) => a - b), k, gold };
}

async function insertRun(modelId: number, benchmarkId: number, topLabelOnly: boolean): Promise<number> {
  const r = await client.query<{ id: number }>(
    `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "provenance", "status", "topLabelOnly")
     VALUES ($1, $2, 'logprob', 'imported', 'completed', $3) RETURNING "id"`,
    [modelId, benchmarkId, topLabelOnly],
  );
  return r.rows[0].id;
}

/** Predictions with overconfident softmax probabilities; `correct` is argmax = gold, or random when gold is unknown. */
async function insertPredictions(runId: number, q: { ids: number[]; k: number[]; gold: (number | null)[] }, rng: Rng): Promise<Generated> {
  const probs = q.k.map((kk) => {
    const e = Array.from({ length: kk }, () => Math.exp(2 * rng.nextNormal()));
    const s = e.reduce((a, b) => a + b);
    return e.map((x) => x / s);
  });
  const predicted = probs.map((p) => p.indexOf(Math.max(...p)));
  const correct = predicted.map((pr, i) => (q.gold[i] === null ? rng.nextFloat() < 0.6 : pr === q.gold[i]));
  await client.query(
    `INSERT INTO "Prediction" ("runId", "questionId", "probs", "logLikelihoods", "predicted", "confidence", "correct")
     SELECT $1, qid, p::float8[], '{}', pr, c, ok FROM unnest($2::int[], $3::text[], $4::int[], $5::float8[], $6::bool[]) AS t(qid, p, pr, c, ok)`,
    [runId, q.ids, probs.map((p) => `{${p.join(",")}}`), predicted, probs.map((p) => Math.max(...p)), correct],
  );
  return { questionIds: q.ids, probs, gold: q.gold, correct };
}

interface StatsRow {
  languageCode: string;
  binning: string;
  bins: number;
  n: number;
  [metric: string]: unknown;
  intervals: Record<string, [number, number]>;
  reliability: unknown[];
  smoothCurve: unknown[];
}

async function statsRows(runId: number): Promise<StatsRow[]> {
  const r = await client.query<StatsRow>(`SELECT * FROM "RunLanguageStats" WHERE "runId" = $1 ORDER BY "languageCode", "binning"`, [runId]);
  return r.rows;
}

async function inTransaction<T>(f: () => Promise<T>, commit = true): Promise<T> {
  await client.query("BEGIN");
  try {
    const v = await f();
    await client.query(commit ? "COMMIT" : "ROLLBACK");
    return v;
  } catch (e) {
    await client.query("ROLLBACK");
    throw e;
  }
}

function expectRowMatches(row: StatsRow, set: CalibrationInput, runId: number, resamples: number, bins = 15) {
  const binning = row.binning as "equal-width" | "equal-mass";
  const m = computeMetrics(set, { bins, binning });
  expect(row.bins).toBe(bins);
  expect(row.n).toBe(m.n);
  for (const name of METRIC_NAMES) expect(row[name], name).toBe(m[name]);
  expect(row.reliability).toEqual(JSON.parse(JSON.stringify(m.reliability)));
  expect(row.smoothCurve).toEqual(JSON.parse(JSON.stringify(m.smoothCurve)));
  const iv = resamples > 0 ? bootstrapIntervals(set, { bins, resamples, seed: `${runId}/${row.languageCode}` })[binning] : {};
  expect(row.intervals).toEqual(JSON.parse(JSON.stringify(iv)));
}

let benchmarkId: number;
let modelId: number;
let labelledRun: number;
let topRun: number;
const data: Record<string, Generated> = {};
const topData: Record<string, Generated> = {};

beforeAll(async () => {
  db = await freshDatabase("stats");
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const rng = new Rng("stats-int");
  benchmarkId = (await client.query<{ id: number }>(`INSERT INTO "Benchmark" ("name", "optionCount") VALUES ('B', 4) RETURNING "id"`)).rows[0].id;
  const topBench = (await client.query<{ id: number }>(`INSERT INTO "Benchmark" ("name", "optionCount") VALUES ('T', 4) RETURNING "id"`)).rows[0].id;
  modelId = (await client.query<{ id: number }>(`INSERT INTO "Model" ("name", "family") VALUES ('M', 'M') RETURNING "id"`)).rows[0].id;
  labelledRun = await insertRun(modelId, benchmarkId, false);
  topRun = await insertRun(modelId, topBench, true);
  for (const [lang, n] of [["fr", 300], ["de", 500]] as const) {
    data[lang] = await insertPredictions(labelledRun, await insertQuestions(benchmarkId, lang, n, rng, true), rng);
    topData[lang] = await insertPredictions(topRun, await insertQuestions(topBench, lang, n / 2, rng, false), rng);
  }
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe("recomputeRunStats", () => {
  it("stores, per language and binning, exactly what computeMetrics and the seeded bootstrap give", async () => {
    await inTransaction(() => recomputeRunStats(client, labelledRun, { bootstrap: 30 }));
    const rows = await statsRows(labelledRun);
    expect(rows.map((r) => [r.languageCode, r.binning])).toEqual([
      ["de", "equal-mass"],
      ["de", "equal-width"],
      ["fr", "equal-mass"],
      ["fr", "equal-width"],
    ]);
    for (const row of rows) {
      const d = data[row.languageCode];
      const set = labelledSet(d.probs, d.gold as number[]);
      expectRowMatches(row, set, labelledRun, 30);
      expect(row.sce).not.toBeNull();
      expect((row.reliability as { accLo: unknown }[]).some((b) => typeof b.accLo === "number")).toBe(true);
      expect(row.smoothCurve).toHaveLength(101);
    }
  });

  it("stores the same rows when the languages are computed on compute threads", { timeout: 120_000 }, async () => {
    const strip = (rows: StatsRow[]) => rows.map((r) => ({ ...r, id: undefined, computedAt: undefined }));
    await inTransaction(() => recomputeRunStats(client, labelledRun, { bootstrap: 30 }));
    const inProcess = strip(await statsRows(labelledRun));
    const pool = new ThreadPool(computeThreadFile(), 2, 3, { priority: "normal" });
    const seen: string[] = [];
    try {
      await inTransaction(() => recomputeRunStats(client, labelledRun, { bootstrap: 30, pool, onLanguage: (l) => seen.push(l) }));
    } finally {
      await pool.close();
    }
    expect(strip(await statsRows(labelledRun))).toEqual(inProcess);
    expect(seen.sort()).toEqual(["de", "fr"]);
  });

  it("stores the same rows when one language's resamples are spread over the threads", { timeout: 120_000 }, async () => {
    const strip = (rows: StatsRow[]) => rows.map((r) => ({ ...r, id: undefined, computedAt: undefined }));
    await inTransaction(() => recomputeRunStats(client, labelledRun, { bootstrap: 31 }));
    const inProcess = strip(await statsRows(labelledRun));
    // One language on 3 threads: 3 parts of its resamples (partsPerLanguage), merged in order.
    const pool = new ThreadPool(computeThreadFile(), 3, 4, { priority: "normal" });
    try {
      for (const language of ["de", "fr"])
        await inTransaction(() => recomputeRunStats(client, labelledRun, { bootstrap: 31, pool, languages: [language] }));
    } finally {
      await pool.close();
    }
    expect(strip(await statsRows(labelledRun))).toEqual(inProcess);
  });

  it("replaces the run's rows instead of adding to them, and honours the caller's transaction", async () => {
    await inTransaction(() => recomputeRunStats(client, labelledRun, { bootstrap: 0 }));
    let rows = await statsRows(labelledRun);
    expect(rows).toHaveLength(4);
    expect(rows[0].intervals).toEqual({});
    // rolled back: the previous rows stay
    await inTransaction(() => recomputeRunStats(client, labelledRun, { bins: 10, bootstrap: 0 }), false);
    rows = await statsRows(labelledRun);
    expect(rows.map((r) => r.bins)).toEqual([15, 15, 15, 15]);
  });

  it("recomputes only the languages asked for", async () => {
    await inTransaction(() => recomputeRunStats(client, labelledRun, { bins: 10, bootstrap: 0, languages: ["de"] }));
    const rows = await statsRows(labelledRun);
    expect(rows.map((r) => [r.languageCode, r.bins])).toEqual([
      ["de", 10],
      ["de", 10],
      ["fr", 15],
      ["fr", 15],
    ]);
    expectRowMatches(rows[0], labelledSet(data.de.probs, data.de.gold as number[]), labelledRun, 0, 10);
  });

  it("uses Prediction.correct and leaves classwise metrics NULL for top-label runs", async () => {
    await inTransaction(() => recomputeRunStats(client, topRun, { bootstrap: 20 }));
    const rows = await statsRows(topRun);
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const d = topData[row.languageCode];
      const set = topLabelSet(d.probs.map((p) => Math.max(...p)), d.correct, d.probs);
      expectRowMatches(row, set, topRun, 20);
      expect([row.sce, row.ace, row.brier, row.nll]).toEqual([null, null, null, null]);
      expect(Object.keys(row.intervals)).not.toContain("sce");
    }
  });

  it("refuses a language that is not a code before any SQL is built from it (COPY takes no parameters)", async () => {
    const before = await statsRows(labelledRun);
    for (const hostile of ["de' OR '1'='1", "de\\'); DROP TABLE \"Run\"; --", "de\u0000"])
      await expect(inTransaction(() => recomputeRunStats(client, labelledRun, { bootstrap: 0, languages: [hostile] }), false)).rejects.toSatisfy(
        (e) => e instanceof AtlasError && e.code === "BAD_INPUT" && e.message.includes("not a language code"),
      );
    expect(await statsRows(labelledRun)).toEqual(before);
  });

  it("reports an unknown run", async () => {
    await expect(inTransaction(() => recomputeRunStats(client, 999999))).rejects.toSatisfy((e) => e instanceof AtlasError && e.code === "NOT_FOUND");
  });
});

// Opt-in timing on a million predictions (40 languages × 25,000 questions, K = 4):
//   ATLAS_STATS_PERF=1 npx vitest run --project int lib/db/stats
describe.skipIf(!readEnv("ATLAS_STATS_PERF"))("recomputeRunStats on 1M predictions", () => {
  it("times the recompute without and with the bootstrap", { timeout: 1_800_000 }, async () => {
    const bench = (await client.query<{ id: number }>(`INSERT INTO "Benchmark" ("name", "optionCount") VALUES ('PERF', 4) RETURNING "id"`)).rows[0].id;
    const run = await insertRun(modelId, bench, false);
    let t0 = Date.now();
    // generated in SQL: 40 languages × 25,000 questions, softmax of 4 N(0, 2²) logits
    await client.query(
      `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "optionCount", "gold")
       SELECT $1, l."code", l."code" || '-' || i, 4, floor(random() * 4)::int
         FROM (SELECT "code" FROM "Language" ORDER BY "code" LIMIT 40) l, generate_series(1, 25000) i`,
      [bench],
    );
    await client.query(
      `INSERT INTO "Prediction" ("runId", "questionId", "probs", "logLikelihoods", "predicted", "confidence", "correct")
       SELECT $1, "id", ARRAY[e1 / s, e2 / s, e3 / s, e4 / s], '{}', 0, 0, false
         FROM (SELECT "id", e1, e2, e3, e4, e1 + e2 + e3 + e4 AS s
                 FROM (SELECT "id", exp(2 * random_normal()) e1, exp(2 * random_normal()) e2, exp(2 * random_normal()) e3, exp(2 * random_normal()) e4
                         FROM "Question" WHERE "benchmarkId" = $2) x) y`,
      [run, bench],
    );
    await client.query(`ANALYZE "Prediction"; ANALYZE "Question"`);
    const langs = { length: 40 };
    console.log(`inserted 1,000,000 predictions in ${Date.now() - t0} ms`);
    for (const bootstrap of [0, 200]) {
      t0 = Date.now();
      const cpu0 = process.cpuUsage();
      await inTransaction(() => recomputeRunStats(client, run, { bootstrap }));
      const cpu = process.cpuUsage(cpu0);
      console.log(`recompute, bootstrap ${bootstrap}: ${Date.now() - t0} ms wall, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU (node)`);
    }
    expect((await statsRows(run)).length).toBe(2 * langs.length);
  });
});
