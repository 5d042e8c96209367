import "server-only";
/**
 * Label smoothing, one language of measured runs: the paired bootstrap over the questions two runs both
 * answered, on request only (behind /smoothing/significance — it reads the predictions of the two runs).
 */
import type pg from "pg";
import { labelledSet, topLabelSet, type CalibrationInput } from "../../calibration";
import { badInput } from "../../errors";
import { pairedBootstrapOffThread } from "../../compute/bootstrap-pool";
import { type MetricName, metricSpec, reportedUnder } from "../../calibration/registry";
import { SMOOTHING_METRICS, type SmoothingMetric } from "./smoothing-aggregate";

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

const cache = new Map<string, PairedSignificance>();
/** Computations in progress: identical requests arriving meanwhile wait for the same one (single flight). */
const inflight = new Map<string, Promise<PairedSignificance>>();
/** How many computations started (tests check that identical concurrent requests share one). */
export const significanceComputations = { count: 0 };

/**
 * Paired bootstrap (lib/calibration pairedBootstrap, seeded) of run B against run A over the questions of
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
  const hit = cache.get(key);
  if (hit) return hit;
  let flight = inflight.get(key);
  if (!flight) {
    flight = computeSignificance(pool, runA, runB, language, runs.rows[0].benchmarkId).then((out) => {
      if (cache.size > 500) cache.clear();
      cache.set(key, out);
      return out;
    });
    const settle = () => inflight.delete(key);
    flight.then(settle, settle);
    inflight.set(key, flight);
  }
  return flight;
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
  const r = await pool.query<{
    pa: number[];
    pb: number[];
    ca: number;
    cb: number;
    oka: boolean;
    okb: boolean;
    gold: number | null;
  }>(
    `SELECT a."probs" AS pa, b."probs" AS pb, a."confidence" AS ca, b."confidence" AS cb, a."correct" AS oka, b."correct" AS okb, q."gold"
     FROM "Question" q
     JOIN "Prediction" a ON a."questionId" = q."id" AND a."runId" = $1
     JOIN "Prediction" b ON b."questionId" = q."id" AND b."runId" = $2
     WHERE q."benchmarkId" = $3 AND q."languageCode" = $4
     ORDER BY q."id"`,
    [runA, runB, benchmarkId, language],
  );
  if (r.rows.length < 10)
    throw badInput(`only ${r.rows.length} questions answered by both runs in ${language}`, {
      field: "language",
    });
  const labelled = r.rows.every((x) => x.gold !== null && x.pa.length > 0 && x.pb.length > 0);
  let a: CalibrationInput;
  let b: CalibrationInput;
  if (labelled) {
    a = labelledSet(
      r.rows.map((x) => x.pa),
      r.rows.map((x) => x.gold as number),
    );
    b = labelledSet(
      r.rows.map((x) => x.pb),
      r.rows.map((x) => x.gold as number),
    );
  } else {
    const probs = r.rows.every((x) => x.pa.length > 0 && x.pb.length > 0);
    a = topLabelSet(
      r.rows.map((x) => x.ca),
      r.rows.map((x) => x.oka),
      probs ? r.rows.map((x) => x.pa) : null,
    );
    b = topLabelSet(
      r.rows.map((x) => x.cb),
      r.rows.map((x) => x.okb),
      probs ? r.rows.map((x) => x.pb) : null,
    );
  }
  const out: PairedSignificance = {
    runA,
    runB,
    language,
    n: r.rows.length,
    resamples: BOOTSTRAP_RESAMPLES,
    metrics: {},
  };
  // pairedBootstrap reports a − b; we report b − a (β vs β = 0). ECE with 15 equal-width bins. One call per pair:
  // each resample recomputes every metric (smECE included), about 2.5–5.5 s per pair at 200 resamples.
  const ew = await pairedBootstrapOffThread(b, a, {
    resamples: BOOTSTRAP_RESAMPLES,
    seed: `smoothing/${runA}/${runB}/${language}`,
    binning: "equal-width",
  });
  const put = (m: SmoothingMetric, d: (typeof ew)[keyof typeof ew] | undefined) => {
    if (d) out.metrics[m] = { a: d.b, b: d.a, difference: d.difference, interval: d.interval, p: d.pValue };
  };
  for (const m of reportedUnder(SMOOTHING_METRICS, "equal-width")) put(m, ew[metricSpec(m).stat as MetricName]);
  return out;
}
