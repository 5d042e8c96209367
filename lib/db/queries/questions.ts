import "server-only";
/**
 * Question drill-down — the only views that read predictions, and only of ONE question (by the
 * Prediction(questionId) index), or of one run × language for the questions of one reliability bin
 * (Question(benchmarkId, languageCode) index, then the Prediction primary key).
 */
import type pg from "pg";
import { AtlasError, badInput } from "../../errors";
import { betaCell } from "../../view-state/config";

export interface QuestionPrediction {
  runId: number;
  model: string;
  family: string;
  sft: string | null;
  beta: string;
  scoringMethod: string;
  status: string;
  probs: number[];
  predicted: number;
  confidence: number;
  correct: boolean;
}

export interface QuestionDetail {
  id: number;
  benchmark: string;
  language: string;
  languageName: string;
  script: string;
  externalId: string;
  subject: string | null;
  text: string | null;
  options: string[];
  optionCount: number;
  gold: number | null;
  predictions: QuestionPrediction[];
}

export async function getQuestion(pool: pg.Pool, id: number): Promise<QuestionDetail | null> {
  const q = await pool.query<Omit<QuestionDetail, "predictions"> & { options: unknown }>(
    `SELECT q."id", b."name" AS benchmark, q."languageCode" AS language, l."name" AS "languageName", l."script",
            q."externalId", q."subject", q."text", q."options", q."optionCount", q."gold"
     FROM "Question" q JOIN "Benchmark" b ON b."id" = q."benchmarkId" JOIN "Language" l ON l."code" = q."languageCode"
     WHERE q."id" = $1`,
    [id],
  );
  if (!q.rows[0]) return null;
  const p = await pool.query<Omit<QuestionPrediction, "beta"> & { smoothing: number | null }>(
    `SELECT p."runId", m."name" AS model, m."family", m."sftDataset" AS sft, m."smoothing", r."scoringMethod", r."status"::text AS status,
            p."probs", p."predicted", p."confidence", p."correct"
     FROM "Prediction" p JOIN "Run" r ON r."id" = p."runId" JOIN "Model" m ON m."id" = r."modelId"
     WHERE p."questionId" = $1
     ORDER BY m."family", (m."sftDataset" IS NOT NULL), m."sftDataset", m."smoothing" NULLS FIRST, m."name", r."id"`,
    [id],
  );
  const row = q.rows[0];
  return {
    ...row,
    options: Array.isArray(row.options) ? row.options.map(String) : [],
    predictions: p.rows.map(({ smoothing, ...x }) => ({
      ...x,
      beta: betaCell(x.sft, smoothing),
    })),
  };
}

export interface BinQuestion {
  id: number;
  externalId: string;
  text: string | null;
  confidence: number;
  predicted: number;
  correct: boolean;
  gold: number | null;
}

export interface BinQuestions {
  runId: number;
  model: string;
  benchmark: string;
  language: string;
  languageName: string;
  binning: "equal-width" | "equal-mass";
  bins: number;
  bin: number;
  /** Confidence range of the bin: [lower, upper) for equal-width (the last bin includes 1). */
  lower: number;
  upper: number;
  /** Questions found in the bin, and how many the stored stats count there. */
  total: number;
  statsCount: number | null;
  statsBins: number | null;
  page: number;
  pageSize: number;
  questions: BinQuestion[];
}

export const BIN_PAGE_SIZE = 100;

/**
 * `c`: the predictions of run $1 on the questions of benchmark $2 in language $3, narrow (no question text), read
 * as one range of the Prediction primary key — (runId, questionId) between the language's smallest and largest
 * question id — and hash-joined to the language's question ids, instead of one index probe per question (at 14,042
 * questions: ~540 buffer reads instead of ~56,000). Confidence is the stored column: every writer stores the
 * largest option probability there (lib/import/read/numbers.ts decide(), workers/scoring/result.ts), which is what the
 * stats bin by, so unnesting the probability arrays again is not needed.
 */
const SPLIT_PREDICTIONS = `lang AS MATERIALIZED (SELECT "id" FROM "Question" WHERE "benchmarkId" = $2 AND "languageCode" = $3),
  c AS (SELECT p."questionId" AS "id", p."predicted", p."correct", p."confidence"
        FROM "Prediction" p JOIN lang ON lang."id" = p."questionId"
        WHERE p."runId" = $1 AND p."questionId" BETWEEN (SELECT min("id") FROM lang) AND (SELECT max("id") FROM lang))`;

/** The page's rows with their question text (joined for the ≤ 100 rows of the page only). */
const pageRows = (extra = "") => `SELECT q."id", q."externalId", q."text", q."gold", page."predicted", page."correct",
  page."confidence", page."total"${extra} FROM page JOIN "Question" q ON q."id" = page."id" ORDER BY page."confidence", page."id"`;

/**
 * The questions of one reliability bin of one run × language. Confidence is the largest option
 * probability (as the stats use it), falling back to Prediction.confidence when no probabilities are
 * stored. Equal-width: bin(c) = min(floor(c·M), M − 1), as in lib/calibration. Equal-mass: rows ranked
 * by (confidence, question id) and cut into M groups with numpy.array_split's sizes — the stats' order.
 */
export async function getBinQuestions(
  pool: pg.Pool,
  q: {
    runId: number;
    language: string;
    binning: "equal-width" | "equal-mass";
    bins: number;
    bin: number;
    page: number;
  },
): Promise<BinQuestions> {
  if (q.bin >= q.bins) throw badInput(`bin ${q.bin} is outside 0…${q.bins - 1}`, { field: "bin" });
  const run = await pool.query<{
    model: string;
    benchmark: string;
    benchmarkId: number;
    languageName: string | null;
  }>(
    `SELECT m."name" AS model, b."name" AS benchmark, r."benchmarkId", (SELECT "name" FROM "Language" WHERE "code" = $2) AS "languageName"
     FROM "Run" r JOIN "Model" m ON m."id" = r."modelId" JOIN "Benchmark" b ON b."id" = r."benchmarkId" WHERE r."id" = $1`,
    [q.runId, q.language],
  );
  if (!run.rows[0]) throw new AtlasError("NOT_FOUND", `run ${q.runId} not found`, { field: "run" });
  const { model, benchmark, benchmarkId, languageName } = run.rows[0];
  const stats = await pool.query<{
    bins: number;
    reliability: { count: number; lower: number; upper: number }[];
  }>(
    `SELECT "bins", "reliability" FROM "RunLanguageStats" WHERE "runId" = $1 AND "languageCode" = $2 AND "binning" = $3`,
    [q.runId, q.language, q.binning],
  );
  const stored = stats.rows[0];
  // Count in the stats for this (possibly merged) bin.
  let statsCount: number | null = null;
  if (stored && stored.bins % q.bins === 0) {
    const f = stored.bins / q.bins;
    statsCount = stored.reliability.slice(q.bin * f, (q.bin + 1) * f).reduce((s, b) => s + b.count, 0);
  }
  const offset = (q.page - 1) * BIN_PAGE_SIZE;
  let lower: number;
  let upper: number;
  let total: number;
  let rows: (BinQuestion & { total: number })[];
  if (q.binning === "equal-width") {
    lower = q.bin / q.bins;
    upper = (q.bin + 1) / q.bins;
    const r = await pool.query<BinQuestion & { total: number }>(
      `WITH ${SPLIT_PREDICTIONS},
       page AS (SELECT *, count(*) OVER ()::int AS total FROM c WHERE least(floor(confidence * $4)::int, $4 - 1) = $5
                ORDER BY confidence, "id" LIMIT $6 OFFSET $7)
       ${pageRows()}`,
      [q.runId, benchmarkId, q.language, q.bins, q.bin, BIN_PAGE_SIZE, offset],
    );
    rows = r.rows;
    total = rows[0]?.total ?? 0;
  } else {
    // One pass: rank the split's (confidence, id) pairs, cut them into M groups of numpy.array_split's sizes
    // (the first n mod M groups one larger), and keep this bin's group with its edges and size.
    const r = await pool.query<BinQuestion & { total: number; lo: number; hi: number }>(
      `WITH ${SPLIT_PREDICTIONS},
       ranked AS (SELECT *, row_number() OVER (ORDER BY confidence, "id") - 1 AS rank, count(*) OVER () AS n FROM c),
       cut AS (SELECT *, $5 * (n / $4) + least($5, n % $4) AS start, n / $4 + CASE WHEN $5 < n % $4 THEN 1 ELSE 0 END AS size
               FROM ranked),
       bin AS (SELECT * FROM cut WHERE rank >= start AND rank < start + size),
       page AS (SELECT *, count(*) OVER ()::int AS total, min(confidence) OVER () AS lo, max(confidence) OVER () AS hi
                FROM bin ORDER BY rank LIMIT $6 OFFSET $7)
       ${pageRows(`, page."lo", page."hi"`)}`,
      [q.runId, benchmarkId, q.language, q.bins, q.bin, BIN_PAGE_SIZE, offset],
    );
    rows = r.rows;
    if (r.rows[0]) {
      total = r.rows[0].total;
      lower = r.rows[0].lo;
      upper = r.rows[0].hi;
    } else {
      // A page past the end (or an empty bin): the size and edges from the first page.
      const first = offset > 0 ? await getBinQuestions(pool, { ...q, page: 1 }) : null;
      total = first?.total ?? 0;
      lower = first?.lower ?? 0;
      upper = first?.upper ?? 0;
    }
    rows = rows.map(({ lo: _lo, hi: _hi, ...x }: BinQuestion & { total: number; lo?: number; hi?: number }) => x);
  }
  return {
    runId: q.runId,
    model,
    benchmark,
    language: q.language,
    languageName: languageName ?? q.language,
    binning: q.binning,
    bins: q.bins,
    bin: q.bin,
    lower,
    upper,
    total,
    statsCount,
    statsBins: stored?.bins ?? null,
    page: q.page,
    pageSize: BIN_PAGE_SIZE,
    questions: rows.map(({ total: _t, ...x }) => x),
  };
}
