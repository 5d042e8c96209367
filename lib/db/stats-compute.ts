/**
 * The statistics of one language of a run, from its predictions already in memory: every metric for both binnings
 * and the seeded bootstrap intervals (seed "<runId>/<languageCode>"). Pure computation with no database, so that
 * lib/db/stats.ts can run it in-process or on a compute thread (compute-thread.mjs, kind "stats") — the same code,
 * the same numbers either way.
 */
import {
  BINNINGS,
  type Binning,
  bootstrapWithEngine,
  type CalibrationInput,
  type CalibrationMetrics,
  type MetricIntervals,
  MetricEngine,
  metricsFromEngine,
  Rng,
  type Scalars,
} from "../calibration/index";
import { intervalsOfResamples, resampleScalars } from "../calibration/bootstrap";

export interface StatsRow {
  binning: Binning;
  metrics: CalibrationMetrics;
  intervals: MetricIntervals;
}

export interface LanguageStatsTask {
  input: CalibrationInput;
  bins: number;
  /** Bootstrap resamples (0 = no intervals). */
  resamples: number;
  seed: string;
}

export function computeLanguageStats({ input, bins, resamples, seed }: LanguageStatsTask): StatsRow[] {
  const engine = new MetricEngine(input, bins);
  const metrics = metricsFromEngine(engine, BINNINGS);
  const intervals = resamples > 0 ? bootstrapWithEngine(engine, { resamples, seed, binnings: BINNINGS }) : {};
  return rowsOf(metrics, intervals);
}

/**
 * Statistics of a small synthetic language (2,000 rows, K = 4, 64 resamples; ~0.1 s), so that a fresh compute thread
 * has its hot code compiled before its first real language (compute-thread.mjs, kind "stats-warm"). Measured on 2
 * cores: a fresh thread's first 100k-row language took ~0.35 s longer than its next ones, most of it spent before the
 * engine's loops and the smECE search were optimised. Returns the rows (the caller ignores them).
 */
export function warmUpStats(): StatsRow[] {
  const n = 2000;
  const k = 4;
  const rng = new Rng("warm-up");
  const probs = new Float64Array(n * k);
  const offsets = new Int32Array(n + 1);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += probs[i * k + j] = Math.exp(2 * rng.nextNormal());
    for (let j = 0; j < k; j++) probs[i * k + j] /= sum;
    offsets[i + 1] = (i + 1) * k;
    labels[i] = rng.nextInt(k);
  }
  return computeLanguageStats({ input: { kind: "labelled", n, offsets, probs, maxK: k, labels }, bins: 15, resamples: 64, seed: "warm-up" });
}

function rowsOf(metrics: Partial<Record<Binning, CalibrationMetrics>>, intervals: Partial<Record<Binning, MetricIntervals>>): StatsRow[] {
  return BINNINGS.map((b) => ({ binning: b, metrics: metrics[b] as CalibrationMetrics, intervals: intervals[b] ?? {} }));
}

/**
 * A part of one language's statistics, so that a language's bootstrap can be spread over several threads: resamples
 * [from, to) of its seeded sequence (lib/calibration resampleScalars), and the point metrics when `point` is set
 * (one part of each language).
 */
export interface LanguageStatsPart extends LanguageStatsTask {
  from: number;
  to: number;
  point: boolean;
}

export interface LanguageStatsPartResult {
  metrics: Partial<Record<Binning, CalibrationMetrics>> | null;
  scalars: Scalars[];
}

export function computeLanguageStatsPart({ input, bins, resamples, seed, from, to, point }: LanguageStatsPart): LanguageStatsPartResult {
  const engine = new MetricEngine(input, bins);
  return {
    metrics: point ? metricsFromEngine(engine, BINNINGS) : null,
    scalars: to > from ? resampleScalars(engine, { resamples, seed, binnings: BINNINGS }, from, to) : [],
  };
}

/**
 * Parts per language so that `languages` languages keep `threads` threads evenly busy: 1 when the languages divide
 * evenly over the threads or are many (≥ 4 per thread), else threads / gcd(languages, threads) — e.g. one language
 * on 2 threads: 2 parts; 3 languages on 2 threads: 6 tasks, 3 per thread. Each part repeats the language's setup
 * (sorting), so parts are used only where threads would otherwise wait.
 */
export function partsPerLanguage(languages: number, threads: number): number {
  if (threads <= 1 || languages <= 0 || languages % threads === 0 || languages >= 4 * threads) return 1;
  let a = languages;
  let b = threads;
  while (b) [a, b] = [b, a % b];
  return threads / a;
}

/** Splits a language's task into `parts` parts of consecutive resamples (the first also computes the point metrics). */
export function statsParts(task: LanguageStatsTask, parts: number): LanguageStatsPart[] {
  const count = Math.max(1, Math.min(parts, task.resamples));
  return Array.from({ length: count }, (_, p) => ({
    ...task,
    from: Math.floor((p * task.resamples) / count),
    to: Math.floor(((p + 1) * task.resamples) / count),
    point: p === 0,
  }));
}

/** The language's rows from all its parts, in part order: the same rows computeLanguageStats gives. */
export function mergeStatsParts(task: LanguageStatsTask, results: LanguageStatsPartResult[]): StatsRow[] {
  const metrics = results[0]?.metrics;
  if (!metrics) throw new Error("the first part of a language's statistics carries its point metrics");
  const scalars = results.flatMap((r) => r.scalars);
  if (scalars.length !== task.resamples) throw new Error(`parts gave ${scalars.length} of ${task.resamples} resamples`);
  return rowsOf(metrics, task.resamples > 0 ? intervalsOfResamples(scalars, { resamples: task.resamples, binnings: BINNINGS }) : {});
}
