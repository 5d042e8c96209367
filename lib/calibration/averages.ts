/**
 * Averages over languages done both ways.
 *
 *  - macro: the mean over languages of each language's metric (every language weighs the same) — what
 *    a "mean of the per-language tables" gives;
 *  - micro: the metric of all languages' predictions pooled (every prediction weighs the same).
 *
 * For means of per-row quantities (accuracy, confidence, entropy, Brier, NLL) micro is the n-weighted
 * mean of the per-language values. For binned errors under equal-width bins, micro is exact from the
 * per-language reliability bins too: bins have the same edges in every language, so the pooled bin's
 * count, Σ correct and Σ confidence are sums of the languages' (count·accuracy, count·confidence).
 * Binned errors cancel across languages inside a pooled bin (one language over-, another
 * under-confident), which is why a pooled ECE is usually below the mean of per-language ECEs — the gap
 * between Huang et al.'s Table 2 and the mean of their per-language tables. Equal-mass bins are
 * defined by the pooled sort order, so a pooled equal-mass metric cannot be rebuilt from per-language
 * bins: microEqualMass takes the predictions themselves (confidence and correctness of every row).
 */
import { type BinSums, DEFAULT_BINS, equalMassSums } from "./binning";
import { type BinnedErrors, binnedErrors } from "./binned-errors";
import { PER_BINNING_NAMES, type PerBinningName, ROW_MEAN_NAMES, type RowMeanName } from "./registry";

/** One language's stored summary: n, per-row means and its equal-width reliability bins. */
export interface LanguageSummary {
  n: number;
  accuracy: number;
  confidence: number;
  entropyBits: number | null;
  brier: number | null;
  nll: number | null;
  ece: number;
  rms: number;
  mce: number;
  /** Equal-width bins (all M, empty ones with count 0). */
  bins: { count: number; accuracy: number | null; confidence: number | null }[];
}

/** The per-question means and the per-binning errors (lib/calibration/registry.ts), by their stat names. */
export const AVERAGED_METRICS = [...ROW_MEAN_NAMES, ...PER_BINNING_NAMES] as const;
export type AveragedMetric = RowMeanName | PerBinningName;
export type Averages = Record<AveragedMetric, number | null> & { n: number; languages: number };

const MEANS = ROW_MEAN_NAMES;

/** Mean over languages (null when any language lacks the metric). */
export function macroAverage(langs: readonly LanguageSummary[]): Averages {
  if (langs.length === 0) throw new RangeError("no languages to average");
  const out = { n: 0, languages: langs.length } as Averages;
  for (const l of langs) out.n += l.n;
  for (const m of AVERAGED_METRICS) {
    let s = 0;
    let missing = false;
    for (const l of langs) {
      const v = l[m];
      if (v === null) missing = true;
      else s += v;
    }
    out[m] = missing ? null : s / langs.length;
  }
  return out;
}

/** Metrics of the pooled predictions, rebuilt exactly from per-language summaries (equal-width bins). */
export function microAverage(langs: readonly LanguageSummary[]): Averages {
  if (langs.length === 0) throw new RangeError("no languages to average");
  const m = langs[0].bins.length;
  if (langs.some((l) => l.bins.length !== m)) throw new RangeError("languages have different bin counts");
  const total = langs.reduce((s, l) => s + l.n, 0);
  const out = { n: total, languages: langs.length } as Averages;
  for (const k of MEANS) {
    let s = 0;
    let missing = false;
    for (const l of langs) {
      const v = l[k];
      if (v === null) missing = true;
      else s += l.n * v;
    }
    out[k] = missing ? null : s / total;
  }
  const sums: BinSums = {
    m,
    count: new Float64Array(m),
    sumValue: new Float64Array(m),
    sumOutcome: new Float64Array(m),
    lower: new Float64Array(m),
    upper: new Float64Array(m),
    total,
  };
  for (const l of langs)
    l.bins.forEach((b, i) => {
      if (b.count === 0) return;
      sums.count[i] += b.count;
      sums.sumOutcome[i] += b.count * (b.accuracy as number);
      sums.sumValue[i] += b.count * (b.confidence as number);
    });
  const e = binnedErrors(sums);
  out.ece = e.ece;
  out.rms = e.rms;
  out.mce = e.mce;
  return out;
}

/** One language's predictions: top-label confidence and correctness per question. */
export interface LanguagePredictions {
  confidence: ArrayLike<number>;
  correct: ArrayLike<number | boolean>;
}

/**
 * Pooled (micro) ECE, RMS and MCE over M equal-mass bins of all languages' predictions: the rows of every
 * language concatenated in the order given (callers pass languages by code, questions by id), sorted by
 * confidence ascending with ties in that order, cut into M groups whose sizes differ by at most one (larger
 * first, numpy.array_split) — the library's equal-mass convention applied to the pooled sample.
 */
export function microEqualMass(langs: readonly LanguagePredictions[], bins = DEFAULT_BINS): BinnedErrors & { n: number; bins: number } {
  const n = langs.reduce((s, l) => s + l.confidence.length, 0);
  if (n === 0) throw new RangeError("no predictions to pool");
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  let k = 0;
  for (const l of langs) {
    if (l.correct.length !== l.confidence.length) throw new RangeError("confidence and correct differ in length");
    for (let i = 0; i < l.confidence.length; i++, k++) {
      confidence[k] = l.confidence[i];
      correct[k] = l.correct[i] ? 1 : 0;
    }
  }
  return { ...binnedErrors(equalMassSums(confidence, correct, bins)), n, bins };
}
