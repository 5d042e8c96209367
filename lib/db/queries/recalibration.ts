import "server-only";
/**
 * The post-hoc recalibration what-if for one measured run (issue 14 §2): out-of-sample ECE per language
 * before recalibration and after it under the three fits (per language, English only, pooled), 5-fold
 * cross-validation with folds by question (lib/calibration/recalibrate), with paired bootstrap intervals.
 *
 * This needs the run's predictions (a fit is a function of them), so it is the one analysis read that scans
 * Prediction rows: computed on first request per (run, stats version, method), stored in RecalibrationResult
 * (so other server processes and restarts read it; a stats recompute changes the version and invalidates it)
 * and kept in this process's cache (CACHE_LIMIT entries).
 */
import type pg from "pg";
import {
  crossValidate,
  DEFAULT_FOLDS,
  type EceColumn,
  eceByLanguage,
  type FitScope,
  logScores,
  type RecalibrationData,
  type RecalibrationMethod,
} from "../../calibration/recalibrate/index";

export const RECALIBRATION_RESAMPLES = 200;
const CACHE_LIMIT = 16;

export interface RecalibrationLanguage {
  language: string;
  name: string;
  resourceClass: number;
  n: number;
  accuracy: number;
  before: EceColumn;
  /** ECE after each fit; null when the fit is unavailable (no English rows for "english"). */
  after: Record<FitScope, EceColumn | null>;
  /** ECE(English fit) − ECE(own-language fit), paired. */
  englishMinusOwn: EceColumn | null;
  /** Equal-width reliability bins before and after each fit (absent fits omitted). */
  reliability: Record<string, { count: number; accuracy: number | null; confidence: number | null }[]>;
}

export interface RecalibrationView {
  model: string;
  runId: number;
  method: RecalibrationMethod;
  labelled: boolean;
  folds: number;
  /** Mean over folds of the fitted temperature per fitting group (temperature scaling only). */
  temperatures: Record<string, number>;
  languages: RecalibrationLanguage[];
}

const cache = new Map<string, Promise<RecalibrationView>>();

export async function recalibrationModels(pool: pg.Pool, benchmark: string): Promise<string[]> {
  const r = await pool.query<{ name: string }>(
    `SELECT DISTINCT m."name" FROM "Model" m JOIN "Run" r ON r."modelId" = m."id" JOIN "Benchmark" b ON b."id" = r."benchmarkId"
     WHERE b."name" = $1 AND r."status" IN ('completed', 'running') ORDER BY m."name"`,
    [benchmark],
  );
  return r.rows.map((x) => x.name);
}

export async function getRecalibration(pool: pg.Pool, benchmark: string, model: string, method: RecalibrationMethod): Promise<RecalibrationView | null> {
  const run = await pool.query<{ id: number; topLabelOnly: boolean; version: string | null }>(
    `SELECT r."id", r."topLabelOnly", (SELECT max(s."computedAt")::text FROM "RunLanguageStats" s WHERE s."runId" = r."id") AS version
     FROM "Run" r JOIN "Model" m ON m."id" = r."modelId" JOIN "Benchmark" b ON b."id" = r."benchmarkId"
     WHERE m."name" = $1 AND b."name" = $2 AND r."status" IN ('completed', 'running')
     ORDER BY r."createdAt" DESC, r."id" DESC LIMIT 1`,
    [model, benchmark],
  );
  const r = run.rows[0];
  if (!r) return null;
  const key = `${r.id}|${r.version}|${method}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = stored(pool, r.id, method, r.version ?? "");
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  }
  return hit;
}

/** The stored result when its stats version is current; otherwise computes it and stores it (write-through). */
async function stored(pool: pg.Pool, runId: number, method: RecalibrationMethod, version: string): Promise<RecalibrationView> {
  const r = await pool.query<{ result: RecalibrationView; model: string; topLabelOnly: boolean }>(
    `SELECT x."result", m."name" AS model, r."topLabelOnly" FROM "Run" r JOIN "Model" m ON m."id" = r."modelId"
     LEFT JOIN "RecalibrationResult" x ON x."runId" = r."id" AND x."method" = $2 AND x."statsVersion" = $3
     WHERE r."id" = $1`,
    [runId, method, version],
  );
  const row = r.rows[0];
  if (row.result) return row.result;
  const result = await compute(pool, row.model, runId, row.topLabelOnly, method);
  await pool.query(
    `INSERT INTO "RecalibrationResult" ("runId", "method", "statsVersion", "result") VALUES ($1, $2, $3, $4)
     ON CONFLICT ("runId", "method") DO UPDATE SET "statsVersion" = EXCLUDED."statsVersion", "result" = EXCLUDED."result", "computedAt" = now()`,
    [runId, method, version, JSON.stringify(result)],
  );
  return result;
}

async function compute(pool: pg.Pool, model: string, runId: number, topLabelOnly: boolean, method: RecalibrationMethod): Promise<RecalibrationView> {
  const res = await pool.query<{ probs: number[]; confidence: number; correct: boolean; gold: number | null; ext: string; lang: string }>(
    `SELECT p."probs", p."confidence", p."correct", q."gold", q."externalId" AS ext, q."languageCode" AS lang
     FROM "Prediction" p JOIN "Question" q ON q."id" = p."questionId" WHERE p."runId" = $1 ORDER BY p."questionId"`,
    [runId],
  );
  const rows = res.rows;
  const n = rows.length;
  const withProbs = rows.every((x) => x.probs.length >= 2);
  const labelled = !topLabelOnly && withProbs && rows.every((x) => x.gold !== null);
  const offsets = new Int32Array(n + 1);
  rows.forEach((x, i) => (offsets[i + 1] = offsets[i] + (withProbs ? x.probs.length : 0)));
  const probs = new Float64Array(offsets[n]);
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  const labels = labelled ? new Int32Array(n) : null;
  rows.forEach((x, i) => {
    if (withProbs) {
      // Renormalise as the stats do (Plaut rows are stored renormalised; others sum to 1 within tolerance).
      const s = x.probs.reduce((a, b) => a + b, 0);
      let best = 0;
      x.probs.forEach((p, j) => {
        probs[offsets[i] + j] = p / s;
        if (p > x.probs[best]) best = j;
      });
      confidence[i] = x.probs[best] / s;
      correct[i] = labelled ? (best === x.gold ? 1 : 0) : x.correct ? 1 : 0;
      if (labels) labels[i] = x.gold as number;
    } else {
      confidence[i] = x.confidence;
      correct[i] = x.correct ? 1 : 0;
    }
  });
  const language = rows.map((x) => x.lang);
  const data: RecalibrationData = {
    n,
    confidence,
    correct,
    scores: withProbs ? logScores({ n, offsets, probs, maxK: 0 }) : null,
    labels,
    question: rows.map((x) => x.ext),
    language,
  };
  if (method === "temperature" && !withProbs) throw new Error("temperature scaling needs stored option probabilities; this run has only confidences");
  const columns: Record<string, Float64Array> = { before: confidence };
  const temperatures: Record<string, number[]> = {};
  for (const scope of ["per-language", "english", "pooled"] as const) {
    if (scope === "english" && !language.includes("en")) continue;
    const cv = crossValidate(data, method, scope, { folds: DEFAULT_FOLDS, seed: `recalibration/${runId}` });
    columns[scope] = cv.confidence;
    for (const t of cv.temperatures) (temperatures[scope === "per-language" ? t.group : scope] ??= []).push(t.temperature);
  }
  const pairs: [string, string][] = columns.english ? [["english", "per-language"]] : [];
  const ece = eceByLanguage(language, correct, columns, { resamples: RECALIBRATION_RESAMPLES, seed: `recalibration/${runId}/${method}`, pairs });
  const info = await pool.query<{ code: string; name: string; resourceClass: number }>(
    `SELECT "code", "name", "resourceClass" FROM "Language" WHERE "code" = ANY($1)`,
    [ece.map((e) => e.language)],
  );
  const byCode = new Map(info.rows.map((l) => [l.code, l]));
  return {
    model,
    runId,
    method,
    labelled,
    folds: DEFAULT_FOLDS,
    temperatures: Object.fromEntries(Object.entries(temperatures).map(([g, ts]) => [g, ts.reduce((a, b) => a + b, 0) / ts.length])),
    languages: ece.map((e) => ({
      language: e.language,
      name: byCode.get(e.language)?.name ?? e.language,
      resourceClass: byCode.get(e.language)?.resourceClass ?? -1,
      n: e.n,
      accuracy: e.accuracy,
      before: e.columns.before,
      after: {
        "per-language": e.columns["per-language"] ?? null,
        english: e.columns.english ?? null,
        pooled: e.columns.pooled ?? null,
      },
      englishMinusOwn: e.differences["english−per-language"] ?? null,
      reliability: Object.fromEntries(Object.entries(e.bins).map(([k, bs]) => [k, bs.map((b) => ({ count: b.count, accuracy: b.accuracy, confidence: b.confidence }))])),
    })),
  };
}
