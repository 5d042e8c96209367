/**
 * The recalibration what-if computed from a run's predictions (lib/db/queries/recalibration.ts serves it).
 * No "server-only" here: this runs on a compute thread (lib/compute/compute-thread.mjs), which opens its own
 * connection, so neither the 588k-row read nor the fits touch the web server's event loop; only the small
 * result (per-language ECE and bins) crosses back. Tests and benches call it directly too.
 *
 * Memory: predictions are read in keyset batches (BATCH rows) into typed arrays, so at most one batch of
 * row objects exists at a time; the typed arrays are what the fits need anyway.
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
import { grown } from "../../typed-grow";

export const RECALIBRATION_RESAMPLES = 200;
const BATCH = 50_000;

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

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.Client, "query">;

/** Reads run `runId`'s predictions, fits `method` under the three scopes with 5-fold CV, and scores them. */
export async function computeRecalibration(db: Queryable, runId: number, method: RecalibrationMethod): Promise<RecalibrationView> {
  const run = await db.query<{ model: string; topLabelOnly: boolean; n: number }>(
    `SELECT m."name" AS model, r."topLabelOnly", (SELECT count(*)::int FROM "Prediction" p WHERE p."runId" = r."id") AS n
     FROM "Run" r JOIN "Model" m ON m."id" = r."modelId" WHERE r."id" = $1`,
    [runId],
  );
  if (!run.rows[0]) throw new Error(`run ${runId} does not exist`);
  const { model, topLabelOnly } = run.rows[0];
  const n = run.rows[0].n;
  const rawOffsets = new Int32Array(n + 1);
  let raw = new Float64Array(Math.max(4 * n, 1));
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  const gold = new Int32Array(n);
  const question = new Array<string>(n);
  const language = new Array<string>(n);
  let withProbs = true;
  let allGold = true;
  let i = 0;
  for (let after = -1; ; ) {
    const res = await db.query<{ qid: number; probs: number[]; confidence: number; correct: boolean; gold: number | null; ext: string; lang: string }>(
      `SELECT p."questionId" AS qid, p."probs", p."confidence", p."correct", q."gold", q."externalId" AS ext, q."languageCode" AS lang
       FROM "Prediction" p JOIN "Question" q ON q."id" = p."questionId" WHERE p."runId" = $1 AND p."questionId" > $2
       ORDER BY p."questionId" LIMIT ${BATCH}`,
      [runId, after],
    );
    for (const x of res.rows) {
      if (i >= n) throw new Error(`run ${runId} gained predictions while being read; try again`);
      if (x.probs.length < 2) withProbs = false;
      if (x.gold === null) allGold = false;
      rawOffsets[i + 1] = rawOffsets[i] + x.probs.length;
      raw = grown(raw, rawOffsets[i + 1]);
      raw.set(x.probs, rawOffsets[i]);
      confidence[i] = x.confidence;
      correct[i] = x.correct ? 1 : 0;
      gold[i] = x.gold ?? -1;
      question[i] = x.ext;
      language[i] = x.lang;
      i++;
    }
    if (res.rows.length < BATCH) break;
    after = res.rows[res.rows.length - 1].qid;
  }
  if (i !== n) throw new Error(`run ${runId} lost predictions while being read; try again`);
  const labelled = !topLabelOnly && withProbs && allGold;
  const offsets = withProbs ? rawOffsets : new Int32Array(n + 1);
  const probs = withProbs ? raw.subarray(0, rawOffsets[n]) : new Float64Array(0);
  if (withProbs) {
    for (let r = 0; r < n; r++) {
      // Renormalise as the stats do (Plaut rows are stored renormalised; others sum to 1 within tolerance).
      let s = 0;
      let best = offsets[r];
      for (let j = offsets[r]; j < offsets[r + 1]; j++) {
        s += probs[j];
        if (probs[j] > probs[best]) best = j;
      }
      for (let j = offsets[r]; j < offsets[r + 1]; j++) probs[j] /= s;
      confidence[r] = probs[best];
      if (labelled) correct[r] = best - offsets[r] === gold[r] ? 1 : 0;
    }
  }
  const data: RecalibrationData = {
    n,
    confidence,
    correct,
    scores: withProbs ? logScores({ n, offsets, probs, maxK: 0 }) : null,
    labels: labelled ? gold : null,
    question,
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
  const info = await db.query<{ code: string; name: string; resourceClass: number }>(
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
