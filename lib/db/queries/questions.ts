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
  const conf = `coalesce((SELECT max(x) FROM unnest(p."probs") AS x), p."confidence")`;
  const offset = (q.page - 1) * BIN_PAGE_SIZE;
  let lower: number;
  let upper: number;
  let total: number;
  let rows: (BinQuestion & { total: number })[];
  if (q.binning === "equal-width") {
    lower = q.bin / q.bins;
    upper = (q.bin + 1) / q.bins;
    const r = await pool.query<BinQuestion & { total: number }>(
      `WITH c AS (
         SELECT q."id", q."externalId", q."text", q."gold", p."predicted", p."correct", ${conf} AS confidence
         FROM "Question" q JOIN "Prediction" p ON p."questionId" = q."id" AND p."runId" = $1
         WHERE q."benchmarkId" = $2 AND q."languageCode" = $3)
       SELECT *, count(*) OVER ()::int AS total FROM c
       WHERE least(floor(confidence * $4)::int, $4 - 1) = $5
       ORDER BY confidence, "id" LIMIT $6 OFFSET $7`,
      [q.runId, benchmarkId, q.language, q.bins, q.bin, BIN_PAGE_SIZE, offset],
    );
    rows = r.rows;
    total = rows[0]?.total ?? 0;
  } else {
    const n = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Question" q JOIN "Prediction" p ON p."questionId" = q."id" AND p."runId" = $1
       WHERE q."benchmarkId" = $2 AND q."languageCode" = $3`,
      [q.runId, benchmarkId, q.language],
    );
    const all = n.rows[0].n;
    const base = Math.floor(all / q.bins);
    const extra = all - base * q.bins;
    const start = q.bin * base + Math.min(q.bin, extra);
    const size = base + (q.bin < extra ? 1 : 0);
    const r = await pool.query<BinQuestion & { total: number }>(
      `WITH c AS (
         SELECT q."id", q."externalId", q."text", q."gold", p."predicted", p."correct", ${conf} AS confidence
         FROM "Question" q JOIN "Prediction" p ON p."questionId" = q."id" AND p."runId" = $1
         WHERE q."benchmarkId" = $2 AND q."languageCode" = $3),
       ranked AS (SELECT *, row_number() OVER (ORDER BY confidence, "id") - 1 AS rank FROM c)
       SELECT "id", "externalId", "text", "gold", "predicted", "correct", confidence, $4::int AS total FROM ranked
       WHERE rank >= $5 AND rank < $5 + $4 ORDER BY rank LIMIT $6 OFFSET $7`,
      [q.runId, benchmarkId, q.language, size, start, BIN_PAGE_SIZE, offset],
    );
    rows = r.rows;
    const edges = await pool.query<{ lo: number | null; hi: number | null }>(
      `WITH c AS (SELECT q."id", ${conf} AS confidence FROM "Question" q JOIN "Prediction" p ON p."questionId" = q."id" AND p."runId" = $1
                  WHERE q."benchmarkId" = $2 AND q."languageCode" = $3),
            ranked AS (SELECT confidence, row_number() OVER (ORDER BY confidence, "id") - 1 AS rank FROM c)
       SELECT min(confidence) AS lo, max(confidence) AS hi FROM ranked WHERE rank >= $5 AND rank < $5 + $4`,
      [q.runId, benchmarkId, q.language, size, start],
    );
    lower = edges.rows[0].lo ?? 0;
    upper = edges.rows[0].hi ?? 0;
    total = size;
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
