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
} from "../calibration/index";

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
  return BINNINGS.map((b) => ({ binning: b, metrics: metrics[b] as CalibrationMetrics, intervals: intervals[b] ?? {} }));
}
