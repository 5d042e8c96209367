/**
 * Seeded bootstrap: percentile intervals for every metric, and a paired comparison of two runs over
 * the same questions.
 *
 * A resample draws N row indices uniformly with replacement (sfc32 seeded from `seed`, unbiased
 * integer draws) and is represented by multiplicities w_i. Its metrics are those of the expanded
 * sample listed in original row order — which fixes how equal-mass groups split ties — computed from
 * the weights without expanding (see engine.ts). The same seed gives the same intervals.
 *
 * Interval: the (1−level)/2 and (1+level)/2 percentiles of the B resampled values, with linear
 * interpolation between order statistics (numpy.percentile's default, "type 7").
 */
import { type Binning, DEFAULT_BINS } from "./binning";
import { MetricEngine, METRIC_NAMES, type MetricName, metricValue, type Scalars } from "./engine";
import type { CalibrationInput } from "./input";
import { Rng } from "./prng";
import { ResampleEngine } from "./resample";
import { LANES, SortedResampleEngine } from "./resample-sorted";

export const DEFAULT_RESAMPLES = 200;
export const DEFAULT_LEVEL = 0.95;

export type Interval = [number, number];
export type MetricIntervals = Partial<Record<MetricName, Interval>>;

export interface BootstrapOptions {
  /** Number of resamples B (default 200). */
  resamples?: number;
  /** PRNG seed (default 0). */
  seed?: number | string;
  /** Interval coverage (default 0.95). */
  level?: number;
  /** Bin count for ece/rms/mce/sce/ace (default 15). */
  bins?: number;
  /** Binnings of ece/rms/mce to report (default both). */
  binnings?: readonly Binning[];
  /**
   * Resampling engine: "sorted" (default; resample-sorted.ts) or "row" — the row-order engine (resample.ts) that
   * computes the same numbers up to the order of additions, kept as the reference of bench:stats and the tests.
   */
  engine?: "sorted" | "row";
}

/** Type-7 quantile of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function percentileInterval(samples: Float64Array, level: number): Interval {
  const s = Float64Array.from(samples).sort();
  return [quantileSorted(s, (1 - level) / 2), quantileSorted(s, (1 + level) / 2)];
}

/** Fills `counts` with the multiplicities of one resample of size counts.length. */
export function drawResample(rng: Rng, counts: Int32Array): void {
  counts.fill(0);
  rng.addDraws(counts); // = counts[rng.nextInt(n)]++, n times
}

/**
 * The next `count` resamples of `rng` over n rows, LANES at a time (drawn one after another: the same draws as one
 * by one), in weight arrays reused from group to group: SortedResampleEngine.scalarsOf computes a group in one set
 * of passes.
 */
function* drawnGroups(rng: Rng, n: number, count: number): Generator<Int32Array[]> {
  const lanes = Array.from({ length: Math.min(LANES, count) }, () => new Int32Array(n));
  for (let r = 0; r < count; r += lanes.length) {
    const group = lanes.slice(0, Math.min(lanes.length, count - r));
    for (const counts of group) drawResample(rng, counts);
    yield group;
  }
}

export function checkOptions(opts: BootstrapOptions): { resamples: number; level: number; binnings: readonly Binning[] } {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? DEFAULT_LEVEL;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  return { resamples, level, binnings: opts.binnings ?? ["equal-width", "equal-mass"] };
}

/** Resampled values of every metric, per binning (ece/rms/mce differ by binning, the rest are shared). */
function collect(scalars: Scalars[], binnings: readonly Binning[]): Record<string, Partial<Record<MetricName, Float64Array>>> {
  const out: Record<string, Partial<Record<MetricName, Float64Array>>> = {};
  for (const b of binnings) {
    const per: Partial<Record<MetricName, Float64Array>> = {};
    for (const name of METRIC_NAMES) {
      if (metricValue(scalars[0], name, b) === null) continue;
      per[name] = Float64Array.from(scalars, (s) => metricValue(s, name, b) as number);
    }
    out[b] = per;
  }
  return out;
}

/**
 * Bootstrap percentile intervals of every available metric (unavailable ones — e.g. SCE on a
 * top-label set — are absent), for each requested binning.
 */
export function bootstrapIntervals(input: CalibrationInput, opts: BootstrapOptions = {}): Partial<Record<Binning, MetricIntervals>> {
  return bootstrapWithEngine(new MetricEngine(input, opts.bins ?? DEFAULT_BINS), opts);
}

/** As bootstrapIntervals, reusing a prepared engine (sort orders are computed once). */
export function bootstrapWithEngine(engine: MetricEngine, opts: BootstrapOptions = {}): Partial<Record<Binning, MetricIntervals>> {
  const { resamples } = checkOptions(opts);
  return intervalsOfResamples(resampleScalars(engine, opts, 0, resamples), opts);
}

/**
 * The scalars of resamples [from, to) of the seeded sequence bootstrapWithEngine draws (the generator skips the
 * draws of the first `from`): parts of one bootstrap computed apart (on several threads) and concatenated in order
 * are the whole bootstrap's, number for number.
 */
export function resampleScalars(engine: MetricEngine, opts: BootstrapOptions, from: number, to: number): Scalars[] {
  const { resamples, binnings } = checkOptions(opts);
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= resamples))
    throw new RangeError(`resamples ${from}..${to} are not a part of 0..${resamples}`);
  const rng = new Rng(opts.seed ?? 0);
  rng.skipDraws(engine.n, from);
  const scalars: Scalars[] = [];
  if (opts.engine === "row") {
    const fast = new ResampleEngine(engine);
    const counts = new Int32Array(engine.n);
    for (let b = from; b < to; b++) {
      drawResample(rng, counts);
      scalars.push(fast.scalars(binnings, counts));
    }
    return scalars;
  }
  const fast = new SortedResampleEngine(engine);
  for (const group of drawnGroups(rng, engine.n, to - from)) scalars.push(...fast.scalarsOf(binnings, group));
  return scalars;
}

/** Percentile intervals of every available metric from the scalars of all resamples, in resample order. */
export function intervalsOfResamples(scalars: Scalars[], opts: BootstrapOptions = {}): Partial<Record<Binning, MetricIntervals>> {
  const { level, binnings } = checkOptions(opts);
  const samples = collect(scalars, binnings);
  const out: Partial<Record<Binning, MetricIntervals>> = {};
  for (const b of binnings) {
    const iv: MetricIntervals = {};
    for (const [name, values] of Object.entries(samples[b]) as [MetricName, Float64Array][]) iv[name] = percentileInterval(values, level);
    out[b] = iv;
  }
  return out;
}

export interface PairedDifference {
  /** Metric of run a, of run b, and a − b on the full sample. */
  a: number;
  b: number;
  difference: number;
  /** Percentile interval of the resampled differences. */
  interval: Interval;
  /**
   * Two-sided bootstrap p-value for "no difference": min(1, 2·(1 + min(#{d* ≤ 0}, #{d* ≥ 0})) / (B + 1)),
   * i.e. (up to the +1 that keeps it above 0) the smallest α whose (1−α) percentile interval excludes 0.
   */
  pValue: number;
}

/**
 * Paired bootstrap of the difference a − b of every metric, for two runs over the same questions in
 * the same row order (say β = 0 and β = 0.1): each resample uses the same rows for both runs.
 */
export function pairedBootstrap(
  a: CalibrationInput,
  b: CalibrationInput,
  opts: BootstrapOptions & { binning?: Binning } = {},
): Partial<Record<MetricName, PairedDifference>> {
  if (a.n !== b.n) throw new RangeError(`paired runs need the same questions: ${a.n} vs ${b.n} rows`);
  const { resamples, level } = checkOptions(opts);
  const binning = opts.binning ?? "equal-width";
  const bins = opts.bins ?? DEFAULT_BINS;
  const ea = new MetricEngine(a, bins);
  const eb = new MetricEngine(b, bins);
  const fullA = ea.scalars([binning]);
  const fullB = eb.scalars([binning]);
  const rng = new Rng(opts.seed ?? 0);
  const ra = new SortedResampleEngine(ea);
  const rb = new SortedResampleEngine(eb);
  const sa: Scalars[] = [];
  const sb: Scalars[] = [];
  for (const group of drawnGroups(rng, a.n, resamples)) {
    sa.push(...ra.scalarsOf([binning], group));
    sb.push(...rb.scalarsOf([binning], group));
  }
  const out: Partial<Record<MetricName, PairedDifference>> = {};
  for (const name of METRIC_NAMES) {
    const va = metricValue(fullA, name, binning);
    const vb = metricValue(fullB, name, binning);
    if (va === null || vb === null) continue;
    const d = new Float64Array(resamples);
    for (let r = 0; r < resamples; r++)
      d[r] = (metricValue(sa[r], name, binning) as number) - (metricValue(sb[r], name, binning) as number);
    out[name] = pairedDifference(va, vb, d, level);
  }
  return out;
}

/** The paired comparison from the full-sample values and the B resampled differences a* − b*. */
export function pairedDifference(va: number, vb: number, d: Float64Array, level: number): PairedDifference {
  let le = 0;
  let ge = 0;
  for (let r = 0; r < d.length; r++) {
    if (d[r] <= 0) le++;
    if (d[r] >= 0) ge++;
  }
  return {
    a: va,
    b: vb,
    difference: va - vb,
    interval: percentileInterval(d, level),
    pValue: Math.min(1, (2 * (1 + Math.min(le, ge))) / (d.length + 1)),
  };
}
