import "server-only";
/**
 * Label smoothing, one language of measured runs: the paired bootstrap over the questions two runs both
 * answered, on request only (behind /smoothing/significance — it reads the predictions of the two runs).
 */
import type pg from "pg";
import { topLabelSet, type CalibrationInput, type PairedDifference } from "../../calibration";
import { badInput } from "../../errors";
import { pairedBootstrapBasicOffThread, type PairedInput } from "../../compute/bootstrap-pool";
import { LruCache } from "../../cache/lru-cache";
import type { SmoothingMetric } from "./smoothing-aggregate";

/** Largest language split the on-request paired bootstrap accepts (two runs × this many questions). */
export const BOOTSTRAP_MAX_QUESTIONS = 20000;
export const BOOTSTRAP_RESAMPLES = 200;

export interface PairedSignificance {
  runA: number;
  runB: number;
  language: string;
  n: number;
  resamples: number;
  /** metric → { a, b, difference (b − a), interval, p } with a = run A (β = 0) and b = run B. */
  metrics: Partial<
    Record<
      SmoothingMetric,
      { a: number; b: number; difference: number; interval: [number, number]; p: number }
    >
  >;
}

/** Settled results by (runs, language, stats time); concurrent identical requests share one computation. */
const significanceCache = new LruCache<PairedSignificance>({ maxEntries: 500 });
/** How many computations started (tests check that identical concurrent requests share one). */
export const significanceComputations = { count: 0 };

/**
 * Paired bootstrap (seeded; lib/calibration pairedBootstrapBasic: pairedBootstrap's numbers for the three metrics
 * shown) of run B against run A over the questions of
 * one language that both runs answered. Reads the predictions of those two runs only; refuses splits
 * larger than BOOTSTRAP_MAX_QUESTIONS. Results are cached per (runs, language, stats time); concurrent identical
 * requests share one computation, and the resamples run on a compute thread (lib/compute), never on the event
 * loop. Throws PoolBusy (lib/compute/thread-pool.ts) when too many different computations are waiting.
 */
export async function pairedBootstrapSignificance(
  pool: pg.Pool,
  runA: number,
  runB: number,
  language: string,
): Promise<PairedSignificance> {
  const runs = await pool.query<{ id: number; benchmarkId: number; computedAt: Date | null }>(
    `SELECT r."id", r."benchmarkId", max(s."computedAt") AS "computedAt" FROM "Run" r
     LEFT JOIN "RunLanguageStats" s ON s."runId" = r."id" AND s."languageCode" = $2
     WHERE r."id" = ANY($1) GROUP BY r."id"`,
    [[runA, runB], language],
  );
  if (runs.rows.length !== 2) throw badInput(`runs ${runA} and ${runB} must both exist`, { field: "runs" });
  if (runs.rows[0].benchmarkId !== runs.rows[1].benchmarkId)
    throw badInput("the two runs are on different benchmarks", { field: "runs" });
  const key = `${runA}|${runB}|${language}|${runs.rows.map((r) => r.computedAt?.toISOString()).join("|")}`;
  return significanceCache.getOrCompute(key, () =>
    computeSignificance(pool, runA, runB, language, runs.rows[0].benchmarkId),
  );
}

async function computeSignificance(
  pool: pg.Pool,
  runA: number,
  runB: number,
  language: string,
  benchmarkId: number,
): Promise<PairedSignificance> {
  significanceComputations.count++;
  const count = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Question" q WHERE q."benchmarkId" = $1 AND q."languageCode" = $2`,
    [benchmarkId, language],
  );
  if (count.rows[0].n > BOOTSTRAP_MAX_QUESTIONS)
    throw badInput(
      `${count.rows[0].n} questions in this split: the on-request bootstrap takes at most ${BOOTSTRAP_MAX_QUESTIONS}`,
      { field: "language" },
    );
  // Labelled predictions (the usual case): one row with both runs' probabilities and the gold answers as text, each
  // run read as one range of the Prediction key (materialized, so the planner cannot turn it back into one index
  // probe per question), hash-joined to the language's questions (as the bin drill-down, questions.ts); Postgres's float8 text round-trips exactly. The
  // compute thread parses it and resamples, so the request thread only moves two strings.
  const text = await pool.query<{ n: number; labelled: boolean | null; pa: string | null; pb: string | null; gold: string | null }>(
    `WITH lang AS MATERIALIZED (SELECT "id", "gold" FROM "Question" WHERE "benchmarkId" = $3 AND "languageCode" = $4),
          span AS MATERIALIZED (SELECT min("id") AS lo, max("id") AS hi FROM lang),
          pa AS MATERIALIZED (SELECT "questionId" AS id, "probs" FROM "Prediction"
                              WHERE "runId" = $1 AND "questionId" BETWEEN (SELECT lo FROM span) AND (SELECT hi FROM span)),
          pb AS MATERIALIZED (SELECT "questionId" AS id, "probs" FROM "Prediction"
                              WHERE "runId" = $2 AND "questionId" BETWEEN (SELECT lo FROM span) AND (SELECT hi FROM span))
     SELECT count(*)::int AS n,
            bool_and(coalesce(lang."gold" IS NOT NULL AND cardinality(pa."probs") > 0 AND cardinality(pb."probs") > 0, false)) AS labelled,
            string_agg(array_to_string(pa."probs", ','), ';' ORDER BY lang."id") AS pa,
            string_agg(array_to_string(pb."probs", ','), ';' ORDER BY lang."id") AS pb,
            string_agg(lang."gold"::text, ',' ORDER BY lang."id") AS gold
     FROM lang JOIN pa ON pa.id = lang."id" JOIN pb ON pb.id = lang."id"`,
    [runA, runB, benchmarkId, language],
  );
  const n = text.rows[0].n;
  if (n < 10) throw badInput(`only ${n} questions answered by both runs in ${language}`, { field: "language" });
  const t = text.rows[0];
  const input: PairedInput =
    t.labelled === true && t.pa !== null && t.pb !== null && t.gold !== null
      ? { text: { a: t.pb, b: t.pa, gold: t.gold } }
      : await topLabelPair(pool, runA, runB, benchmarkId, language);
  const out: PairedSignificance = {
    runA,
    runB,
    language,
    n,
    resamples: BOOTSTRAP_RESAMPLES,
    metrics: {},
  };
  // pairedBootstrap reports a − b; we report b − a (β vs β = 0). ECE with 15 equal-width bins. Only the three
  // metrics the view shows are resampled (lib/calibration/paired-basic.ts): tens of ms per pair instead of seconds.
  const ew = await pairedBootstrapBasicOffThread(input, {
    resamples: BOOTSTRAP_RESAMPLES,
    seed: `smoothing/${runA}/${runB}/${language}`,
  });
  const put = (m: SmoothingMetric, d: PairedDifference | undefined) => {
    if (d) out.metrics[m] = { a: d.b, b: d.a, difference: d.difference, interval: d.interval, p: d.pValue };
  };
  put("ece", ew.ece);
  put("accuracy", ew.accuracy);
  put("entropy", ew.entropyBits);
  return out;
}

/**
 * Predictions without gold or probabilities (top-label imports): confidence and correctness per row, with the
 * probabilities when every row has them. Run B first (pairedBootstrap reports first − second).
 */
async function topLabelPair(
  pool: pg.Pool,
  runA: number,
  runB: number,
  benchmarkId: number,
  language: string,
): Promise<PairedInput> {
  const r = await pool.query<{ pa: number[] | null; pb: number[] | null; ca: number; cb: number; oka: boolean; okb: boolean }>(
    `SELECT a."probs" AS pa, b."probs" AS pb, a."confidence" AS ca, b."confidence" AS cb, a."correct" AS oka, b."correct" AS okb
     FROM "Question" q
     JOIN "Prediction" a ON a."questionId" = q."id" AND a."runId" = $1
     JOIN "Prediction" b ON b."questionId" = q."id" AND b."runId" = $2
     WHERE q."benchmarkId" = $3 AND q."languageCode" = $4
     ORDER BY q."id"`,
    [runA, runB, benchmarkId, language],
  );
  const probs = r.rows.every((x) => x.pa?.length && x.pb?.length);
  const set = (c: "ca" | "cb", ok: "oka" | "okb", p: "pa" | "pb"): CalibrationInput =>
    topLabelSet(
      r.rows.map((x) => x[c]),
      r.rows.map((x) => x[ok]),
      probs ? r.rows.map((x) => x[p] as number[]) : null,
    );
  return { a: set("cb", "okb", "pb"), b: set("ca", "oka", "pa") };
}
