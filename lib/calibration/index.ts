/**
 * Calibration metrics of multiple-choice answers — pure TypeScript over typed arrays, no I/O.
 * Conventions and formulas: README.md ("Metrics") (each metric's doc comment repeats its binning).
 *
 *   const set = labelledSet([[0.7, 0.2, 0.1], …], [0, …]);
 *   const m = computeMetrics(set, { bins: 15, binning: "equal-width" });
 *   const ci = bootstrapIntervals(set, { resamples: 200, seed: "run 7/de" });
 */
import { type Binning, DEFAULT_BINS } from "./binning";
import { type CommonScalars, MetricEngine } from "./engine";
import type { CalibrationInput } from "./input";
import { SMOOTH_CURVE_POINTS, type SmoothCurvePoint } from "./smece";
import { type ReliabilityBin, reliabilityBins } from "./binned-errors";

export interface MetricsOptions {
  /** Bin count M of ece/rms/mce/bins, SCE's bins and ACE's ranges (default 15). */
  bins?: number;
  /** Binning of ece, rms, mce and the reliability bins (default equal-width). SCE is always
   * equal-width and ACE always equal-mass. */
  binning?: Binning;
  /** Points of the smoothed reliability curve (default 101). */
  curvePoints?: number;
}

export interface CalibrationMetrics extends CommonScalars {
  kind: CalibrationInput["kind"];
  binning: Binning;
  binCount: number;
  /** Σ_m (n_m/N)·|acc_m − conf_m| over the chosen binning. */
  ece: number;
  /** sqrt(Σ_m (n_m/N)·(acc_m − conf_m)²) over the chosen binning. */
  rms: number;
  /** max over non-empty bins of |acc_m − conf_m| over the chosen binning. */
  mce: number;
  /** All M bins of the chosen binning, empty ones included (count 0, accuracy/confidence null). */
  reliability: ReliabilityBin[];
  /** relplot's kernel-smoothed reliability curve at σ* (acc = smoothed share correct at confidence c). */
  smoothCurve: SmoothCurvePoint[];
}

/** Every metric of one question set under one binning. */
export function computeMetrics(input: CalibrationInput, opts: MetricsOptions = {}): CalibrationMetrics {
  const binning = opts.binning ?? "equal-width";
  return computeMetricsForBinnings(input, [binning], opts)[binning] as CalibrationMetrics;
}

/** As computeMetrics for several binnings at once, sharing everything that does not depend on the binning. */
export function computeMetricsForBinnings(
  input: CalibrationInput,
  binnings: readonly Binning[],
  opts: Omit<MetricsOptions, "binning"> = {},
): Partial<Record<Binning, CalibrationMetrics>> {
  return metricsFromEngine(new MetricEngine(input, opts.bins ?? DEFAULT_BINS), binnings, opts.curvePoints);
}

/** computeMetricsForBinnings on a prepared engine (reuse it for bootstrapWithEngine). */
export function metricsFromEngine(
  engine: MetricEngine,
  binnings: readonly Binning[],
  curvePoints = SMOOTH_CURVE_POINTS,
): Partial<Record<Binning, CalibrationMetrics>> {
  const { binned, ...common } = engine.scalars(binnings);
  const smoothCurve = engine.smoothEce().curve(common.smeceSigma, curvePoints);
  const out: Partial<Record<Binning, CalibrationMetrics>> = {};
  for (const b of binnings) {
    const errors = binned[b] as { ece: number; rms: number; mce: number };
    out[b] = {
      kind: engine.input.kind,
      binning: b,
      binCount: engine.bins,
      ...common,
      ...errors,
      reliability: reliabilityBins(engine.binSums(b)),
      smoothCurve,
    };
  }
  return out;
}

export { BINNINGS, type Binning, DEFAULT_BINS, equalWidthBin, groupSizes, equalWidthSums, equalMassSums, equalMassSumsSorted, sortSample, type SortedSample, type BinSums } from "./binning";
export { MetricEngine, METRIC_NAMES, type MetricName, type CommonScalars, type Scalars, metricValue } from "./engine";
export {
  METRIC_SPECS,
  METRIC_KEYS,
  PAPER_METRICS,
  RESULT_COLUMNS,
  RESULT_METRICS,
  metricSpec,
  binningText,
  titleWithBins,
  deltaLabel,
  isBetter,
  type MetricSpec,
  type MetricKey,
  type PaperMetric,
  type ResultMetric,
  type ResultColumn,
  type Better,
} from "./registry";
export {
  type CalibrationInput,
  type LabelledSet,
  type TopLabelSet,
  type ProbRows,
  type RowInput,
  type ScoreKind,
  QuestionSetBuilder,
  labelledSet,
  topLabelSet,
  subset,
  checkProbRow,
  PROB_SUM_TOLERANCE,
} from "./input";
export { argmax, softmax, softmaxArray, softmaxInto } from "./softmax";
export { summarizeRows, type RowSummary, NLL_FLOOR } from "./rows";
export { binnedErrors, reliabilityBins, type BinnedErrors, type ReliabilityBin } from "./binned-errors";
export { staticCalibrationError, adaptiveCalibrationError, classOrders, classColumn, type ClassOrders, type ClassColumn } from "./classwise";
export { smoothEce, SmoothEce, type SmoothCurvePoint, type SmoothEceResult, gridNodes, meshPoints } from "./smece";
export {
  bootstrapIntervals,
  bootstrapWithEngine,
  pairedBootstrap,
  percentileInterval,
  quantileSorted,
  drawResample,
  DEFAULT_RESAMPLES,
  type BootstrapOptions,
  type Interval,
  type MetricIntervals,
  type PairedDifference,
} from "./bootstrap";
export { wilsonInterval, Z95 } from "./wilson";
export { studentTCdf, studentTTwoSided, regularizedBeta, lnGamma, oneSampleTTest, pairedTTest, type TTestResult } from "./t-test";
export { stableArgsort } from "./sort";
export { Rng, hashSeed } from "./prng";
export { holm, benjaminiHochberg, adjustPValues, ADJUSTMENTS, ADJUSTMENT_LABELS, type Adjustment } from "./multiplicity";
export { spearmanRho, spearmanWithBootstrap, averageRanks, type SpearmanResult } from "./spearman";
export { macroAverage, microAverage, AVERAGED_METRICS, type AveragedMetric, type Averages, type LanguageSummary } from "./averages";
export { shiftCounts, shiftKind, DEFAULT_CONFIDENT_WRONG, type ShiftCounts, type ShiftRow, type ShiftKind } from "./shifts";
