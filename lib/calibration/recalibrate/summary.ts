/**
 * Per-language ECE before and after recalibration, with seeded paired bootstrap intervals.
 *
 * ECE is the project's metric convention: 15 equal-width bins over the top-label confidence
 * (binning.ts equalWidthSums → binned-errors.ts binnedErrors). A resample draws the language's rows with
 * replacement (drawResample, sfc32 seeded with `${seed}/${language}`); the same draw scores every
 * confidence column, so differences between columns (after − before, English fit − own fit) get
 * paired intervals. Intervals are percentile (type 7) intervals, as bootstrap.ts.
 */
import { DEFAULT_BINS, equalWidthBin, equalWidthSums } from "../binning";
import { drawResample, percentileInterval, type Interval } from "../bootstrap";
import { Rng } from "../prng";
import { binnedErrors, type ReliabilityBin, reliabilityBins } from "../binned-errors";

export interface EceColumn {
  ece: number;
  interval: Interval;
}

export interface LanguageEce {
  language: string;
  n: number;
  accuracy: number;
  /** ECE of each confidence column, keyed as given. */
  columns: Record<string, EceColumn>;
  /** Paired differences: key "a−b" for each requested pair [a, b]. */
  differences: Record<string, EceColumn>;
  /** Equal-width reliability bins of each column (for before/after overlays). */
  bins: Record<string, ReliabilityBin[]>;
}

export interface EceSummaryOptions {
  bins?: number;
  resamples?: number;
  seed?: number | string;
  level?: number;
  /** Column pairs [a, b] whose difference ECE(a) − ECE(b) gets a paired interval. */
  pairs?: [string, string][];
}

/** ECE (equal-width) of confidences `conf` over `rows`, weighted by `w` (null = each once). */
export function eceOf(conf: Float64Array, correct: Uint8Array, bins: number, weights: Int32Array | null = null): number {
  return binnedErrors(equalWidthSums(conf, correct, bins, weights)).ece;
}

export function eceByLanguage(
  language: ArrayLike<string>,
  correct: Uint8Array,
  columns: Record<string, Float64Array>,
  opts: EceSummaryOptions = {},
): LanguageEce[] {
  const bins = opts.bins ?? DEFAULT_BINS;
  const resamples = opts.resamples ?? 200;
  const level = opts.level ?? 0.95;
  const pairs = opts.pairs ?? [];
  const groups = new Map<string, number[]>();
  for (let i = 0; i < language.length; i++) {
    const g = groups.get(language[i]);
    if (g) g.push(i);
    else groups.set(language[i], [i]);
  }
  const names = Object.keys(columns);
  const out: LanguageEce[] = [];
  for (const lang of [...groups.keys()].sort()) {
    const ids = groups.get(lang) as number[];
    const m = ids.length;
    const y = new Uint8Array(m);
    let right = 0;
    for (let r = 0; r < m; r++) right += y[r] = correct[ids[r]];
    const cols: Record<string, Float64Array> = {};
    for (const name of names) cols[name] = Float64Array.from(ids, (i) => columns[name][i]);
    const samples: Record<string, Float64Array> = {};
    for (const name of names) samples[name] = new Float64Array(resamples);
    const rng = new Rng(`${opts.seed ?? 0}/${lang}`);
    const w = new Int32Array(m);
    // Bin of every row in every column, once; a resample then only accumulates weights (same sums as eceOf).
    const binOf: Record<string, Int32Array> = {};
    for (const name of names) binOf[name] = Int32Array.from(cols[name], (c) => equalWidthBin(c, bins));
    // One pass over the rows per resample for all columns (the draw is shared); each (column, bin) still sums
    // its rows in ascending order, so the sums — and the ECEs — are those of a pass per column.
    const nc = names.length;
    // Row-major: row r's (bin slot, confidence) for every column side by side, so the inner loop reads
    // contiguous memory of two typed arrays.
    const slot = new Int32Array(m * nc);
    const conf = new Float64Array(m * nc);
    for (let j = 0; j < nc; j++) {
      const c = cols[names[j]];
      const bin = binOf[names[j]];
      for (let r = 0; r < m; r++) {
        slot[r * nc + j] = j * bins + bin[r];
        conf[r * nc + j] = c[r];
      }
    }
    const count = new Float64Array(nc * bins);
    const sumC = new Float64Array(nc * bins);
    const sumY = new Float64Array(nc * bins);
    for (let b = 0; b < resamples; b++) {
      drawResample(rng, w);
      count.fill(0);
      sumC.fill(0);
      sumY.fill(0);
      for (let r = 0; r < m; r++) {
        const wr = w[r];
        if (wr === 0) continue;
        const yr = wr * y[r];
        for (let o = r * nc, end = o + nc; o < end; o++) {
          const k = slot[o];
          count[k] += wr;
          sumC[k] += wr * conf[o];
          sumY[k] += yr;
        }
      }
      for (let j = 0; j < nc; j++) {
        const at = j * bins;
        const c = sumC.subarray(at, at + bins);
        samples[names[j]][b] = binnedErrors({ m: bins, count: count.subarray(at, at + bins), sumValue: c, sumOutcome: sumY.subarray(at, at + bins), lower: c, upper: c, total: m }).ece;
      }
    }
    const result: LanguageEce = { language: lang, n: m, accuracy: right / m, columns: {}, differences: {}, bins: {} };
    for (const name of names) {
      const sums = equalWidthSums(cols[name], y, bins);
      result.columns[name] = { ece: binnedErrors(sums).ece, interval: percentileInterval(samples[name], level) };
      result.bins[name] = reliabilityBins(sums);
    }
    for (const [a, b] of pairs) {
      const diff = samples[a].map((v, k) => v - samples[b][k]);
      result.differences[`${a}−${b}`] = { ece: result.columns[a].ece - result.columns[b].ece, interval: percentileInterval(diff, level) };
    }
    out.push(result);
  }
  return out;
}
