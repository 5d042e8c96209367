/**
 * Generated per-question predictions, shared by the test fixtures (tests/support/measured-fixture.ts, whose stats
 * lib/db/stats.ts computes from them) and the benchmarks (bench/support/views-grid.ts, which writes its grid's stats
 * rows with statsParams). Each question has a
 * difficulty, each (model, language) a skill, and a model's sharpness sets how confident it is — tuned models are
 * sharper (over-confident), label smoothing (β > 0) softens them again.
 */
import { Rng, type CalibrationMetrics } from "../lib/calibration";

export function modelName(family: string, sft: string | null, beta: number | null): string {
  return sft === null ? family : `${family}-${sft}-b${beta}`;
}

/** Standard normal draw from the project's seeded PRNG. */
export function normal(rng: Rng): number {
  return rng.nextNormal();
}

/** Skill of language number i: spread so that accuracies run from about 0.35 to 0.7 on 4 options. */
export function skillOf(i: number): number {
  return 0.4 + (1.0 * ((i * 7919) % 11)) / 11;
}

/**
 * Sharpness of a (model, language): about calibrated for the base (the calibrated sharpness grows with
 * skill under this generator), over-confident after SFT, softened again by label smoothing β.
 */
export function sharpnessOf(skill: number, sft: string | null, beta: number | null): number {
  const base = Math.max(0.7, 1 + 1.2 * (skill - 1));
  if (sft === null) return base;
  const tuned = 1.7 - 3.5 * (beta ?? 0) + (sft === "OpenHermes" ? 0.15 : sft === "Tulu3Mixture" ? -0.1 : 0);
  return base * Math.max(0.8, tuned);
}

export interface GeneratedSplit {
  probs: number[][];
  labels: number[];
  predicted: number[];
  confidence: number[];
  correct: boolean[];
}

/**
 * Per-question probabilities of one (model, language) split. `skill` shifts the gold logit,
 * `sharpness` scales all logits (1 = calibrated-ish base, > 1 over-confident), `difficulty[i]` is shared
 * by every model so that runs over the same questions are paired.
 */
export function generateSplit(
  rng: Rng,
  gold: number[],
  difficulty: number[],
  k: number,
  skill: number,
  sharpness: number,
): GeneratedSplit {
  const out: GeneratedSplit = { probs: [], labels: [], predicted: [], confidence: [], correct: [] };
  const logits = new Float64Array(k);
  for (let i = 0; i < gold.length; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      logits[j] = sharpness * (normal(rng) * 0.9 + (j === gold[i] ? skill - difficulty[i] : 0));
      if (logits[j] > max) max = logits[j];
    }
    let sum = 0;
    const p = new Array<number>(k);
    for (let j = 0; j < k; j++) {
      p[j] = Math.exp(logits[j] - max);
      sum += p[j];
    }
    let arg = 0;
    for (let j = 0; j < k; j++) {
      p[j] /= sum;
      if (p[j] > p[arg]) arg = j;
    }
    // Rows must sum to 1 within 1e-6 after the decimal round trip through Postgres: keep full precision.
    out.probs.push(p);
    out.labels.push(gold[i]);
    out.predicted.push(arg);
    out.confidence.push(p[arg]);
    out.correct.push(arg === gold[i]);
  }
  return out;
}

export const STATS_INSERT_SQL = `INSERT INTO "RunLanguageStats"
  ("runId", "languageCode", "binning", "bins", "n", "accuracy", "confidence", "overconfidence", "entropyBits",
   "ece", "rms", "mce", "smece", "sce", "ace", "brier", "nll", "intervals", "reliability", "smoothCurve")
  VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)
  ON CONFLICT ("runId", "languageCode", "binning") DO UPDATE SET
   "bins" = EXCLUDED."bins", "n" = EXCLUDED."n", "accuracy" = EXCLUDED."accuracy", "confidence" = EXCLUDED."confidence",
   "overconfidence" = EXCLUDED."overconfidence", "entropyBits" = EXCLUDED."entropyBits", "ece" = EXCLUDED."ece",
   "rms" = EXCLUDED."rms", "mce" = EXCLUDED."mce", "smece" = EXCLUDED."smece", "sce" = EXCLUDED."sce",
   "ace" = EXCLUDED."ace", "brier" = EXCLUDED."brier", "nll" = EXCLUDED."nll", "intervals" = EXCLUDED."intervals",
   "reliability" = EXCLUDED."reliability", "smoothCurve" = EXCLUDED."smoothCurve", "computedAt" = now()`;

export function statsParams(
  runId: number,
  lang: string,
  binning: "equal-width" | "equal-mass",
  m: CalibrationMetrics,
  intervals: Record<string, [number, number]>,
): unknown[] {
  return [
    runId,
    lang,
    binning,
    m.binCount,
    m.n,
    m.accuracy,
    m.confidence,
    m.overconfidence,
    m.entropyBits ?? 0,
    m.ece,
    m.rms,
    m.mce,
    m.smece,
    m.sce,
    m.ace,
    m.brier,
    m.nll,
    JSON.stringify(intervals),
    JSON.stringify(m.reliability),
    JSON.stringify(m.smoothCurve),
  ];
}
