/**
 * Out-of-sample recalibration: k-fold cross-validation with folds by question, and the three fitting
 * scopes of the what-if.
 *
 * Folds: the distinct question keys (a question asked in several languages has one key) are sorted,
 * shuffled with the project's PRNG (sfc32, prng.ts) seeded with `seed`, and dealt round-robin into k
 * folds; every row of a question — in every language — lands in that question's fold. So no fit ever
 * sees the question it is scored on, not even in another language (a translation would leak the
 * answer-specific confidence pattern).
 *
 * Scopes, for each fold f (fit on rows outside f, apply to rows inside f):
 *  - per-language: each language's own rows;
 *  - english: English rows only (language "en"), applied to every language;
 *  - pooled: every language's rows together.
 * The result is one out-of-sample recalibrated confidence per row; accuracy never changes.
 */
import { Rng } from "../prng";
import { applyHistogram, DEFAULT_HISTOGRAM_BINS, fitHistogram } from "./histogram";
import { applyIsotonic, fitIsotonic, fitIsotonicSorted } from "./isotonic";
import { stableArgsort } from "../sort";
import type { ScoreRows } from "./scores";
import { fitTemperature, scaledConfidence, type TemperatureTarget, temperatureScanSums } from "./temperature";

export const RECALIBRATION_METHODS = ["temperature", "histogram", "isotonic"] as const;
export type RecalibrationMethod = (typeof RECALIBRATION_METHODS)[number];
export const FIT_SCOPES = ["per-language", "english", "pooled"] as const;
export type FitScope = (typeof FIT_SCOPES)[number];
/** How views name each method and fit (one place: the heatmap, /recalibration and exports). */
export const METHOD_LABELS: Record<RecalibrationMethod, string> = {
  temperature: "temperature scaling",
  histogram: "histogram binning",
  isotonic: "isotonic regression",
};
export const FIT_LABELS: Record<FitScope, string> = {
  "per-language": "fitted per language",
  english: "fitted on English",
  pooled: "fitted on all languages pooled",
};
export const DEFAULT_FOLDS = 5;
export const DEFAULT_CV_SEED = "recalibration";
export const ENGLISH = "en";

export interface RecalibrationData {
  readonly n: number;
  /** Top-label confidence and correctness per row (what histogram and isotonic fit and every ECE uses). */
  readonly confidence: Float64Array;
  readonly correct: Uint8Array;
  /** Option log-scores (temperature scaling needs them); null when only confidences are known. */
  readonly scores: ScoreRows | null;
  /** Gold index per row when known: temperature is then fitted on the multiclass NLL. */
  readonly labels: Int32Array | null;
  /** Question key per row (folds are by question). */
  readonly question: ArrayLike<string>;
  /** Language per row. */
  readonly language: ArrayLike<string>;
}

/** Fold (0..k−1) per row, by question key, seeded. */
export function questionFolds(question: ArrayLike<string>, k: number, seed: number | string = DEFAULT_CV_SEED): Int32Array {
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`folds must be an integer ≥ 2, got ${k}`);
  const keys = [...new Set(Array.from(question))].sort();
  if (keys.length < k) throw new RangeError(`${keys.length} questions cannot fill ${k} folds`);
  const rng = new Rng(seed);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  const foldOf = new Map<string, number>();
  keys.forEach((key, i) => foldOf.set(key, i % k));
  const out = new Int32Array(question.length);
  for (let i = 0; i < question.length; i++) out[i] = foldOf.get(question[i]) as number;
  return out;
}

/** A fitted map from rows to recalibrated confidences, plus what was fitted (for reports). */
export interface Fitted {
  apply(rows: Int32Array): Float64Array;
  /** The temperature, for temperature scaling. */
  temperature?: number;
}

function temperatureInputs(data: RecalibrationData): { scores: NonNullable<RecalibrationData["scores"]>; target: TemperatureTarget } {
  const scores = data.scores;
  if (!scores) throw new RangeError("temperature scaling needs the options' scores, not only confidences");
  return { scores, target: data.labels ? { labels: data.labels } : { correct: data.correct } };
}

/**
 * What cross-validation computes once for all its fits: `scanSums` (temperature, see fitTemperature) and
 * `sorted` (isotonic: the same rows in ascending order of confidence).
 */
export interface FitShortcuts {
  scanSums?: Float64Array;
  sorted?: Int32Array;
}

/** Fits `method` on `rows` of `data`. */
export function fitMethod(data: RecalibrationData, method: RecalibrationMethod, rows: Int32Array, bins = DEFAULT_HISTOGRAM_BINS, shortcuts: FitShortcuts = {}): Fitted {
  if (method === "temperature") {
    const { scores, target } = temperatureInputs(data);
    const { temperature } = fitTemperature(scores, target, rows, shortcuts.scanSums);
    return { temperature, apply: (ids) => scaledConfidence(scores, temperature, ids) };
  }
  const { confidence, correct } = data;
  const map =
    method === "histogram"
      ? fitHistogram(confidence, correct, rows, bins)
      : shortcuts.sorted
        ? fitIsotonicSorted(confidence, correct, shortcuts.sorted)
        : fitIsotonic(confidence, correct, rows);
  const f = method === "histogram" ? (c: number) => applyHistogram(map as ReturnType<typeof fitHistogram>, c) : (c: number) => applyIsotonic(map as ReturnType<typeof fitIsotonic>, c);
  return {
    apply: (ids) => {
      const out = new Float64Array(ids.length);
      for (let r = 0; r < ids.length; r++) out[r] = f(confidence[ids[r]]);
      return out;
    },
  };
}

export interface CrossValidated {
  /** Out-of-sample recalibrated confidence per row. */
  confidence: Float64Array;
  /** Temperatures fitted (temperature scaling): per fold, keyed by the fitting group ("en", "pooled", or a language). */
  temperatures: { fold: number; group: string; temperature: number }[];
}

export interface CrossValidationOptions {
  folds?: number;
  seed?: number | string;
  bins?: number;
}

/** Rows in ascending order from several ascending lists. */
function merged(lists: number[][]): Int32Array {
  let total = 0;
  for (const l of lists) total += l.length;
  const out = new Int32Array(total);
  let o = 0;
  for (const l of lists) for (const i of l) out[o++] = i;
  return lists.length > 1 ? out.sort() : out;
}

/** k-fold out-of-sample recalibration of every row under one method and scope. */
export function crossValidate(data: RecalibrationData, method: RecalibrationMethod, scope: FitScope, opts: CrossValidationOptions = {}): CrossValidated {
  const k = opts.folds ?? DEFAULT_FOLDS;
  const fold = questionFolds(data.question, k, opts.seed ?? DEFAULT_CV_SEED);
  const { n, language } = data;
  const languages = [...new Set(Array.from(language))].sort();
  if (scope === "english" && !languages.includes(ENGLISH)) throw new RangeError('the "english" fit needs rows in language "en"');
  // cells[l][f]: rows of language l in fold f, ascending — one pass instead of a scan per (language, fold)
  const index = new Map(languages.map((l, i) => [l, i]));
  const cells = languages.map(() => Array.from({ length: k }, () => [] as number[]));
  for (let i = 0; i < n; i++) cells[index.get(language[i]) as number][fold[i]].push(i);
  const out = new Float64Array(n);
  const temperatures: CrossValidated["temperatures"] = [];
  const others = (f: number, ls: number[]) => ls.flatMap((l) => cells[l].filter((_, g) => g !== f));
  const all = languages.map((_, i) => i);
  // Temperature: each (language, fold) cell's NLL sums at the scan's temperatures, once (lazily: the English
  // fit needs only English cells); a fit's scan is the sum over its training cells, so a scope's k fits pass
  // over the rows once for the scan instead of k − 1 times.
  const scans = new Map<number, Float64Array[]>();
  const scanOf = (f: number, ls: number[]): Float64Array | undefined => {
    if (method !== "temperature") return undefined;
    const { scores, target } = temperatureInputs(data);
    let sum: Float64Array | undefined;
    for (const l of ls) {
      let byFold = scans.get(l);
      if (!byFold) scans.set(l, (byFold = cells[l].map((rows) => temperatureScanSums(scores, target, rows))));
      for (let g = 0; g < k; g++) {
        if (g === f) continue;
        sum ??= new Float64Array(byFold[g].length);
        for (let j = 0; j < sum.length; j++) sum[j] += byFold[g][j];
      }
    }
    return sum;
  };
  // Isotonic: every row sorted by confidence once (stable: ties by row), and per language; a fit's rows in
  // confidence order are then a filter of one of these (what sorting its ascending rows stably gives).
  let byConfidence: Int32Array | null = null;
  let byLanguage: number[][] | null = null;
  if (method === "isotonic") {
    byConfidence = stableArgsort(data.confidence);
    byLanguage = languages.map(() => []);
    for (const i of byConfidence) byLanguage[index.get(language[i]) as number].push(i);
  }
  const sortedOf = (f: number, ls: number[], size: number): Int32Array | undefined => {
    if (!byConfidence || !byLanguage) return undefined;
    const out = new Int32Array(size);
    let o = 0;
    if (ls.length === 1) {
      for (const i of byLanguage[ls[0]]) if (fold[i] !== f) out[o++] = i;
    } else {
      const fitted = new Uint8Array(languages.length);
      for (const l of ls) fitted[l] = 1;
      for (const i of byConfidence) if (fold[i] !== f && fitted[index.get(language[i]) as number]) out[o++] = i;
    }
    return out;
  };
  for (let f = 0; f < k; f++) {
    // (training rows, rows to apply to, group name, languages fitted on) for this fold
    const jobs: [Int32Array, Int32Array, string, number[]][] = [];
    if (scope === "per-language") {
      for (const l of all) jobs.push([merged(others(f, [l])), merged([cells[l][f]]), languages[l], [l]]);
    } else {
      const fitOn = scope === "english" ? [index.get(ENGLISH) as number] : all;
      jobs.push([merged(others(f, fitOn)), merged(all.map((l) => cells[l][f])), scope === "english" ? ENGLISH : "pooled", fitOn]);
    }
    for (const [train, apply, group, fitOn] of jobs) {
      if (apply.length === 0) continue;
      if (train.length === 0) throw new RangeError(`fold ${f}: no rows to fit on for ${group}`);
      const fitted = fitMethod(data, method, train, opts.bins, { scanSums: scanOf(f, fitOn), sorted: sortedOf(f, fitOn, train.length) });
      if (fitted.temperature !== undefined) temperatures.push({ fold: f, group, temperature: fitted.temperature });
      const c = fitted.apply(apply);
      for (let r = 0; r < apply.length; r++) out[apply[r]] = c[r];
    }
  }
  return { confidence: out, temperatures };
}
