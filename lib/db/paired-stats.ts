/**
 * The per-language paired bootstrap behind GET /smoothing/significance (run B with β > 0 against run A with β = 0),
 * computed once with the runs' statistics and stored in PairedSignificance, so the view reads one row instead of two
 * runs' predictions (2 s at 14,042 questions per language under load; the stored row: a primary-key probe).
 *
 * One procedure for both paths: computePairedSignificance reads the two runs' predictions of one language and
 * resamples with the seed "smoothing/<runA>/<runB>/<language>"; the route (lib/db/queries/smoothing-significance.ts)
 * calls it on request for pairs not stored, and storeRunPairs calls it inside recomputeRunStats's transaction, so a
 * stored row is exactly what the route would compute.
 *
 * Pairs are the ones the /smoothing page compares (comparisonPairsOf): β > 0 against β = 0 of the same family × SFT
 * dataset, and each tuned model against its base model, on the same benchmark, each model's latest completed or
 * running run (as lib/db/queries/smoothing.ts and base-tuned.ts pick them), in every language where both have
 * statistics. A row goes away with either run (ON DELETE CASCADE) and is replaced whenever either run's
 * statistics are recomputed; the route also ignores a row older than either run's statistics of that language.
 */
import type pg from "pg";
import { topLabelSet, type BootstrapOptions, type CalibrationInput, type PairedDifference } from "../calibration";
import { pairedBootstrapBasic, pairFromText, type BasicPairedMetric } from "../calibration/paired-basic";
import type { PairedInput } from "../compute/bootstrap-pool";
import type { ThreadPool } from "../compute/thread-pool";
import { AtlasError, badInput } from "../errors";
import type { SmoothingMetric } from "./queries/smoothing-aggregate";

/** Largest language split the paired bootstrap accepts (two runs × this many questions). */
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
    Record<SmoothingMetric, { a: number; b: number; difference: number; interval: [number, number]; p: number }>
  >;
}

/** Where the resamples run: the web server's compute threads, a caller's pool, or in-process. */
export type PairedRunner = (
  input: PairedInput,
  options: BootstrapOptions,
) => Promise<Partial<Record<BasicPairedMetric, PairedDifference>>>;

/** In-process (no pool): the same function the compute threads call. */
export const inProcessRunner: PairedRunner = async (input, options) => {
  const [a, b] = "text" in input ? pairFromText(input.text) : [input.a, input.b];
  return pairedBootstrapBasic(a, b, options);
};

/** On a caller's thread pool (lib/compute/compute-thread.mjs, task kind "paired-basic"). */
export const poolRunner =
  (pool: ThreadPool): PairedRunner =>
  (input, options) =>
    pool.run({ kind: "paired-basic", ...input, options });

/** The metrics in the route's order (a stored row comes back from jsonb with its keys reordered). */
const METRIC_ORDER = ["ece", "accuracy", "entropy"] as const satisfies readonly SmoothingMetric[];

/** `r` with its keys in the order computePairedSignificance writes them, so stored and computed print alike. */
export function canonicalSignificance(r: PairedSignificance): PairedSignificance {
  const metrics: PairedSignificance["metrics"] = {};
  for (const m of METRIC_ORDER) {
    const x = r.metrics[m];
    if (x) metrics[m] = { a: x.a, b: x.b, difference: x.difference, interval: [x.interval[0], x.interval[1]], p: x.p };
  }
  return { runA: r.runA, runB: r.runB, language: r.language, n: r.n, resamples: r.resamples, metrics };
}

/**
 * Paired bootstrap (seeded; lib/calibration pairedBootstrapBasic: pairedBootstrap's numbers for the three metrics
 * shown) of run B against run A over the questions of one language that both runs answered. Reads the predictions
 * of those two runs only; refuses splits larger than BOOTSTRAP_MAX_QUESTIONS and fewer than 10 shared questions
 * (BAD_INPUT). `db` is a pool or a transaction's client (statistics time: the runs' rows may be uncommitted).
 */
export async function computePairedSignificance(
  db: Pick<pg.ClientBase, "query">,
  runA: number,
  runB: number,
  language: string,
  benchmarkId: number,
  run: PairedRunner,
): Promise<PairedSignificance> {
  const count = await db.query<{ n: number }>(
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
  // probe per question), hash-joined to the language's questions (as the bin drill-down, questions.ts); Postgres's
  // float8 text round-trips exactly. The compute thread parses it and resamples, so the request thread only moves
  // two strings.
  const text = await db.query<{ n: number; labelled: boolean | null; pa: string | null; pb: string | null; gold: string | null }>(
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
      : await topLabelPair(db, runA, runB, benchmarkId, language);
  const out: PairedSignificance = { runA, runB, language, n, resamples: BOOTSTRAP_RESAMPLES, metrics: {} };
  // pairedBootstrap reports a − b; we report b − a (β vs β = 0). ECE with 15 equal-width bins. Only the three
  // metrics the view shows are resampled (lib/calibration/paired-basic.ts): tens of ms per pair instead of seconds.
  const ew = await run(input, { resamples: BOOTSTRAP_RESAMPLES, seed: `smoothing/${runA}/${runB}/${language}` });
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
  db: Pick<pg.ClientBase, "query">,
  runA: number,
  runB: number,
  benchmarkId: number,
  language: string,
): Promise<PairedInput> {
  const r = await db.query<{ pa: number[] | null; pb: number[] | null; ca: number; cb: number; oka: boolean; okb: boolean }>(
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

/** One stored comparison: run B against run A (the reference: β = 0, or the base model) in one language. */
export interface SmoothingPair {
  runA: number;
  runB: number;
  language: string;
  benchmarkId: number;
}

/**
 * The comparisons the /smoothing page shows that `runId` belongs to, in `languages` (all when null), each model's
 * latest completed or running run on the same benchmark standing for it:
 *  - the chart's β pairs: a β > 0 model against the β = 0 model of its family × SFT dataset (SmoothingChart);
 *  - the base → tuned table: a tuned model against its base model (BaseTunedSignificance, lib/db/queries/base-tuned.ts;
 *    also shown on /reliability).
 * Only in the languages where both runs have equal-width statistics (this transaction's, for `runId`). With
 * `asReference`, only the pairs where `runId` is run A.
 */
export async function comparisonPairsOf(
  db: pg.Pool | pg.ClientBase,
  runId: number,
  languages: string[] | null,
  asReference = false,
): Promise<SmoothingPair[]> {
  const r = await db.query<SmoothingPair>(
    `WITH me AS (SELECT r."id", r."benchmarkId", m."id" AS model, m."family", m."sftDataset", m."smoothing", m."baseModelId"
                 FROM "Run" r JOIN "Model" m ON m."id" = r."modelId" WHERE r."id" = $1),
          -- The partner models, and whether the partner is run A (the reference) of the pair.
          pm AS (SELECT m."id", m."smoothing" = 0 AS "isA" FROM me JOIN "Model" m
                   ON me."sftDataset" IS NOT NULL AND me."smoothing" IS NOT NULL
                  AND m."family" = me."family" AND m."sftDataset" = me."sftDataset" AND m."smoothing" IS NOT NULL
                  AND (me."smoothing" = 0) <> (m."smoothing" = 0)
                 UNION ALL
                 SELECT me."baseModelId", true FROM me WHERE me."baseModelId" IS NOT NULL
                 UNION ALL
                 SELECT m."id", false FROM me JOIN "Model" m ON m."baseModelId" = me.model),
          partner AS (SELECT DISTINCT ON (r."modelId") r."id", pm."isA"
                      FROM pm JOIN "Run" r ON r."modelId" = pm."id"
                      JOIN me ON r."benchmarkId" = me."benchmarkId" AND r."id" <> me."id"
                      WHERE r."status" IN ('completed', 'running') AND NOT ($3 AND pm."isA")
                      ORDER BY r."modelId", r."createdAt" DESC, r."id" DESC)
     SELECT CASE WHEN p."isA" THEN p."id" ELSE me."id" END AS "runA",
            CASE WHEN p."isA" THEN me."id" ELSE p."id" END AS "runB",
            s."languageCode" AS language, me."benchmarkId" AS "benchmarkId"
     FROM me CROSS JOIN partner p
     JOIN "RunLanguageStats" s ON s."runId" = me."id" AND s."binning" = 'equal-width'
     JOIN "RunLanguageStats" t ON t."runId" = p."id" AND t."binning" = 'equal-width' AND t."languageCode" = s."languageCode"
     WHERE $2::text[] IS NULL OR s."languageCode" = ANY($2::text[])
     ORDER BY 1, 2, 3`,
    [runId, languages, asReference],
  );
  return r.rows;
}

/**
 * Replaces the stored comparisons of `runId` (in `languages`, all when null) inside the caller's transaction, right
 * after its statistics: deletes its old rows, then computes and stores every pair it belongs to (comparisonPairsOf).
 * A pair the route would refuse (too few shared questions, a split over BOOTSTRAP_MAX_QUESTIONS) is not stored: the
 * route then answers with the same error on request. `asReference`: only the pairs where the run is run A (a bulk
 * fill that visits every reference run computes each pair once). Returns the number of rows stored.
 */
export async function storeRunPairs(
  client: pg.ClientBase,
  runId: number,
  opts: { languages?: string[] | null; pool?: ThreadPool; asReference?: boolean; onPair?: () => void } = {},
): Promise<number> {
  const languages = opts.languages ?? null;
  const asReference = opts.asReference ?? false;
  await client.query(
    `DELETE FROM "PairedSignificance" WHERE ("runA" = $1 OR ("runB" = $1 AND NOT $3))
       AND ($2::text[] IS NULL OR "languageCode" = ANY($2::text[]))`,
    [runId, languages, asReference],
  );
  const run = opts.pool ? poolRunner(opts.pool) : inProcessRunner;
  const db = oneQueryAtATime(client);
  let stored = 0;
  const one = async (p: SmoothingPair): Promise<void> => {
    let r: PairedSignificance;
    try {
      r = await computePairedSignificance(db, p.runA, p.runB, p.language, p.benchmarkId, run);
    } catch (e) {
      if (e instanceof AtlasError && e.code === "BAD_INPUT") return;
      throw e;
    }
    await db.query(
      `INSERT INTO "PairedSignificance" ("runA", "runB", "languageCode", "result") VALUES ($1, $2, $3, $4::jsonb)`,
      [p.runA, p.runB, p.language, JSON.stringify(r)],
    );
    stored++;
    opts.onPair?.();
  };
  // With a pool, up to pool.size + 1 pairs in flight: their queries take turns on the client (oneQueryAtATime), so
  // the next pair's predictions are read while the threads resample. Without one, one pair at a time.
  const queue = await comparisonPairsOf(client, runId, languages, asReference);
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift())
      try {
        await one(p);
      } catch (error) {
        failure ??= { error }; // the first (later ones may only say the transaction is aborted)
        queue.length = 0;
      }
  };
  // Every lane settles before the error is reported (the caller's transaction rolls back on it).
  await Promise.all(Array.from({ length: opts.pool ? Math.min(opts.pool.size + 1, queue.length) : 1 }, lane));
  if (failure) throw (failure as { error: unknown }).error;
  return stored;
}

/**
 * The client with its queries made one after another: several pairs in flight share the caller's transaction, and
 * pg deprecates sending a query while another is running on the same client (its internal queue goes in pg 9).
 */
function oneQueryAtATime(client: pg.ClientBase): Pick<pg.ClientBase, "query"> {
  let last: Promise<unknown> = Promise.resolve();
  const query = (...args: unknown[]) => {
    const next = last.then(() => (client.query as (...a: unknown[]) => Promise<unknown>)(...args));
    last = next.catch(() => {});
    return next;
  };
  return { query } as Pick<pg.ClientBase, "query">;
}
