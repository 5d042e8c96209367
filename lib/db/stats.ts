/**
 * Precomputed statistics: recomputeRunStats rebuilds a run's RunLanguageStats rows — one per
 * (language, binning) — from its predictions, so that no view ever scans predictions.
 *
 * Runs inside the caller's transaction (no BEGIN/COMMIT here): DELETE the run's rows (for the chosen
 * languages) and INSERT the new ones. Predictions are read in keyset-paginated chunks ordered by
 * question id (the Prediction primary key), with the probabilities sent as binary float8 (array_send)
 * to skip decimal text parsing, and dealt into per-language typed arrays; metrics come from
 * lib/calibration (both binnings, default 15 bins) with seeded bootstrap 95% intervals (default 200
 * resamples; seed "<runId>/<languageCode>", so a recompute reproduces the same intervals).
 *
 * Gold labels: a language whose questions all have a gold index (and whose run is not topLabelOnly)
 * is labelled: everything is computed from probs and gold (Prediction.predicted/confidence/correct are
 * not trusted over them). Otherwise it is top-label: correctness is Prediction.correct, confidence is
 * max p (Prediction.confidence when no probabilities are stored) and sce/ace/brier/nll are NULL.
 */
import type pg from "pg";
import {
  BINNINGS,
  type Binning,
  bootstrapWithEngine,
  type CalibrationInput,
  type CalibrationMetrics,
  checkProbRow,
  DEFAULT_BINS,
  DEFAULT_RESAMPLES,
  type MetricIntervals,
  MetricEngine,
  metricsFromEngine,
  type ProbRows,
} from "../calibration/index";
import { AtlasError, badInput } from "../errors";

export interface RecomputeOptions {
  /** Bin count of every binned metric (default 15). */
  bins?: number;
  /** Bootstrap resamples for the 95% intervals (default 200; 0 = no intervals). */
  bootstrap?: number;
  /** Only these languages (their rows are replaced; other languages' rows are left alone). */
  languages?: string[];
}

const CHUNK = 20000;

/** Per-language accumulation of a run's predictions. */
class LanguageRows {
  probs = new Float64Array(4096);
  offsets = [0];
  gold: number[] = [];
  correct: number[] = [];
  confidence: number[] = [];
  used = 0;
  maxK = 0;
  missingGold = false;
  missingProbs = false;

  add(questionId: number, probs: Buffer, gold: number | null, correct: boolean, confidence: number, runId: number): void {
    const where = `run ${runId}, question ${questionId}`;
    const k = decodeFloat8Array(probs, this, where);
    if (k < 2) this.missingProbs = true;
    else {
      const problem = checkProbRow(this.probs, this.used, k);
      if (problem) throw badInput(`${where}: stored probabilities invalid: ${problem}`, { field: "Prediction.probs" });
      if (gold !== null && (gold < 0 || gold >= k))
        throw badInput(`${where}: gold index ${gold} outside the ${k} options`, { field: "Question.gold" });
    }
    this.used += Math.max(k, 0);
    this.offsets.push(this.used);
    if (k > this.maxK) this.maxK = k;
    if (gold === null) this.missingGold = true;
    this.gold.push(gold ?? -1);
    this.correct.push(correct ? 1 : 0);
    this.confidence.push(confidence);
  }

  reserve(k: number): void {
    if (this.used + k > this.probs.length) {
      const next = new Float64Array(Math.max(this.probs.length * 2, this.used + k));
      next.set(this.probs.subarray(0, this.used));
      this.probs = next;
    }
  }

  toInput(topLabelOnly: boolean): CalibrationInput {
    const n = this.gold.length;
    const rows: ProbRows | null = this.missingProbs
      ? null
      : { n, offsets: Int32Array.from(this.offsets), probs: this.probs.slice(0, this.used), maxK: this.maxK };
    if (!topLabelOnly && !this.missingGold && rows) return { kind: "labelled", ...rows, labels: Int32Array.from(this.gold) };
    let confidence: Float64Array;
    if (rows) {
      confidence = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let m = 0;
        for (let j = rows.offsets[i]; j < rows.offsets[i + 1]; j++) if (rows.probs[j] > m) m = rows.probs[j];
        confidence[i] = m;
      }
    } else confidence = Float64Array.from(this.confidence);
    return { kind: "top-label", n, confidence, correct: Uint8Array.from(this.correct), rows };
  }
}

/**
 * Decodes PostgreSQL's binary array format (array_send of float8[]) into acc.probs at acc.used;
 * returns the element count (0 for an empty array).
 */
function decodeFloat8Array(buf: Buffer, acc: LanguageRows, where: string): number {
  const ndim = buf.readInt32BE(0);
  if (ndim === 0) return 0;
  if (ndim !== 1) throw badInput(`${where}: probs must be a one-dimensional array`, { field: "Prediction.probs" });
  if (buf.readInt32BE(4) !== 0) throw badInput(`${where}: probs contains NULL`, { field: "Prediction.probs" });
  const k = buf.readInt32BE(12);
  acc.reserve(k);
  let pos = 20;
  for (let j = 0; j < k; j++) {
    // each element: int32 length (8), then the float8 big-endian
    acc.probs[acc.used + j] = buf.readDoubleBE(pos + 4);
    pos += 12;
  }
  return k;
}

interface StatsRow {
  binning: Binning;
  metrics: CalibrationMetrics;
  intervals: MetricIntervals;
}

/** Rebuilds RunLanguageStats for `runId` inside the caller's transaction. */
export async function recomputeRunStats(client: pg.ClientBase, runId: number, opts: RecomputeOptions = {}): Promise<void> {
  const bins = opts.bins ?? DEFAULT_BINS;
  const resamples = opts.bootstrap ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(bins) || bins < 1 || bins > 100000) throw badInput(`bins must be an integer from 1 to 100000, got ${bins}`, { field: "bins" });
  if (!Number.isInteger(resamples) || resamples < 0) throw badInput(`bootstrap must be a non-negative integer, got ${resamples}`, { field: "bootstrap" });

  const run = await client.query<{ topLabelOnly: boolean }>(`SELECT "topLabelOnly" FROM "Run" WHERE "id" = $1`, [runId]);
  if (run.rowCount === 0) throw new AtlasError("NOT_FOUND", `no run ${runId}`, { field: "runId" });
  const topLabelOnly = run.rows[0].topLabelOnly;
  const languages = opts.languages ?? null;

  const byLanguage = await readPredictions(client, runId, languages);

  const stats: { lang: string; rows: StatsRow[] }[] = [];
  for (const lang of [...byLanguage.keys()].sort()) {
    const input = (byLanguage.get(lang) as LanguageRows).toInput(topLabelOnly);
    const engine = new MetricEngine(input, bins);
    const metrics = metricsFromEngine(engine, BINNINGS);
    const intervals = resamples > 0 ? bootstrapWithEngine(engine, { resamples, seed: `${runId}/${lang}`, binnings: BINNINGS }) : {};
    stats.push({
      lang,
      rows: BINNINGS.map((b) => ({ binning: b, metrics: metrics[b] as CalibrationMetrics, intervals: intervals[b] ?? {} })),
    });
  }

  if (languages) await client.query(`DELETE FROM "RunLanguageStats" WHERE "runId" = $1 AND "languageCode" = ANY($2::text[])`, [runId, languages]);
  else await client.query(`DELETE FROM "RunLanguageStats" WHERE "runId" = $1`, [runId]);
  if (stats.length > 0) await insertStats(client, runId, stats);
}

async function readPredictions(client: pg.ClientBase, runId: number, languages: string[] | null): Promise<Map<string, LanguageRows>> {
  const out = new Map<string, LanguageRows>();
  let after = -2147483648;
  for (;;) {
    const params: unknown[] = [runId, after, CHUNK];
    if (languages) params.push(languages);
    const res = await client.query<{ id: number; probs: Buffer; gold: number | null; correct: boolean; confidence: number; lang: string }>(
      `SELECT p."questionId" AS id, array_send(p."probs") AS probs, q."gold", p."correct", p."confidence", q."languageCode" AS lang
         FROM "Prediction" p JOIN "Question" q ON q."id" = p."questionId"
        WHERE p."runId" = $1 AND p."questionId" > $2 ${languages ? `AND q."languageCode" = ANY($4::text[])` : ""}
        ORDER BY p."questionId" LIMIT $3`,
      params,
    );
    for (const r of res.rows) {
      let acc = out.get(r.lang);
      if (!acc) out.set(r.lang, (acc = new LanguageRows()));
      acc.add(r.id, r.probs, r.gold, r.correct, r.confidence, runId);
    }
    if (res.rows.length < CHUNK) break;
    after = res.rows[res.rows.length - 1].id;
  }
  return out;
}

const COLUMNS = [
  "runId", "languageCode", "binning", "bins", "n", "accuracy", "confidence", "overconfidence", "entropyBits",
  "ece", "rms", "mce", "smece", "sce", "ace", "brier", "nll", "intervals", "reliability", "smoothCurve",
] as const;

async function insertStats(client: pg.ClientBase, runId: number, stats: { lang: string; rows: StatsRow[] }[]): Promise<void> {
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const { lang, rows } of stats) {
    for (const { binning, metrics: m, intervals } of rows) {
      const base = values.length;
      values.push(
        runId, lang, binning, m.binCount, m.n, m.accuracy, m.confidence, m.overconfidence,
        // entropy is unknown only for top-label runs stored without probabilities; the column is NOT NULL
        m.entropyBits ?? Number.NaN,
        m.ece, m.rms, m.mce, m.smece, m.sce, m.ace, m.brier, m.nll,
        JSON.stringify(intervals), JSON.stringify(m.reliability), JSON.stringify(m.smoothCurve),
      );
      tuples.push(`(${COLUMNS.map((c, i) => `$${base + i + 1}${c === "intervals" || c === "reliability" || c === "smoothCurve" ? "::jsonb" : ""}`).join(", ")})`);
    }
  }
  await client.query(`INSERT INTO "RunLanguageStats" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`, values);
}
