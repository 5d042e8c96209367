/**
 * The metric engine: everything about one question set that can be prepared once (per-row scores,
 * sort orders, bin indices) and the computation of every scalar metric from it, optionally under
 * integer weights. Weights are bootstrap multiplicities: the metrics of a resample are the metrics of
 * the expanded sample (each row repeated w times, in original row order), computed without expanding.
 */
import { type Binning, type BinSums, equalMassSums, equalMassSumsSorted, equalWidthSums, type SortedSample, sortSample } from "./binning";
import { adaptiveCalibrationError, type ClassOrders, classOrders, staticCalibrationError } from "./classwise";
import type { CalibrationInput } from "./input";
import { type RowSummary, summarizeRows } from "./rows";
import { type GridPositions, gridNodes, gridPositions, SmoothEce } from "./smece";
import { type BinnedErrors, binnedErrors } from "./binned-errors";
import { METRIC_NAMES, type MetricName, PER_BINNING_NAMES } from "./registry";

/** Every scalar metric, by the name used in interval objects and the database (lib/calibration/registry.ts). */
export { METRIC_NAMES, type MetricName };

/** Metrics that do not depend on the binning of ece/rms/mce. */
export interface CommonScalars {
  n: number;
  accuracy: number;
  confidence: number;
  overconfidence: number;
  entropyBits: number | null;
  smece: number;
  smeceSigma: number;
  sce: number | null;
  ace: number | null;
  brier: number | null;
  nll: number | null;
}

export interface Scalars extends CommonScalars {
  binned: Partial<Record<Binning, BinnedErrors>>;
}

/** ece, rms, mce: computed under each requested binning (the registry's perBinning metrics). */
const PER_BINNING = new Set<string>(PER_BINNING_NAMES);

/** The value of one metric under one binning (null when unavailable). */
export function metricValue(s: Scalars, name: MetricName, binning: Binning): number | null {
  if (PER_BINNING.has(name)) {
    const b = s.binned[binning];
    if (!b) throw new Error(`metrics were not computed for ${binning} binning`);
    return b[name as keyof BinnedErrors];
  }
  return s[name as Exclude<MetricName, keyof BinnedErrors>];
}

export class MetricEngine {
  readonly rows: RowSummary;
  private confSortedCache: SortedSample | null = null;
  private classOrderCache: ClassOrders | null = null;
  private positionsCache: GridPositions | null = null;

  constructor(
    readonly input: CalibrationInput,
    readonly bins: number,
  ) {
    if (!Number.isInteger(bins) || bins < 1 || bins > 100000) throw new RangeError(`bins must be an integer in [1, 100000], got ${bins}`);
    this.rows = summarizeRows(input);
  }

  get n(): number {
    return this.input.n;
  }

  /** Rows by ascending confidence, ties by row (the equal-mass order), for weighted walks. */
  get confSorted(): SortedSample {
    return (this.confSortedCache ??= sortSample(this.rows.confidence, this.rows.correct));
  }

  get classOrders(): ClassOrders | null {
    if (this.input.kind !== "labelled") return null;
    return (this.classOrderCache ??= classOrders(this.input));
  }

  /** smECE grid positions for the usual 1001-node grid (bootstrap reuse). */
  get gridPositions(): GridPositions {
    return (this.positionsCache ??= gridPositions(this.rows.confidence, gridNodes(1)));
  }

  binSums(binning: Binning, weights: Int32Array | null = null): BinSums {
    const { confidence, correct } = this.rows;
    if (binning === "equal-width") return equalWidthSums(confidence, correct, this.bins, weights);
    // Unweighted: bucketed group sums, no full sort. Weighted (bootstrap): walk the cached order.
    if (!weights) return equalMassSums(confidence, correct, this.bins);
    const o = this.confSorted;
    return equalMassSumsSorted(o.values, o.outcome, o.order, this.bins, weights);
  }

  smoothEce(weights: Int32Array | null = null): SmoothEce {
    return new SmoothEce(this.rows.confidence, this.rows.correct, weights, weights ? this.gridPositions : null);
  }

  /** All scalar metrics, ece/rms/mce for each of `binnings`. */
  scalars(binnings: readonly Binning[], weights: Int32Array | null = null): Scalars {
    const r = this.rows;
    const n = r.n;
    const { confidence, correct, entropyBits, brier, nll } = r;
    const total = weights ? sumWeights(weights) : n;
    const accuracy = weightedSum(correct, weights) / total;
    const conf = weightedSum(confidence, weights) / total;
    const binned: Partial<Record<Binning, BinnedErrors>> = {};
    for (const b of binnings) binned[b] = binnedErrors(this.binSums(b, weights));
    const input = this.input;
    const labelled = input.kind === "labelled" ? input : null;
    const sm = this.smoothEce(weights).compute();
    return {
      n: total,
      accuracy,
      confidence: conf,
      overconfidence: conf - accuracy,
      entropyBits: entropyBits ? weightedSum(entropyBits, weights) / total : null,
      smece: sm.smece,
      smeceSigma: sm.sigma,
      sce: labelled ? staticCalibrationError(labelled, this.bins, weights) : null,
      ace: labelled ? adaptiveCalibrationError(labelled, this.bins, weights ? this.classOrders : null, weights) : null,
      brier: brier ? weightedSum(brier, weights) / total : null,
      nll: nll ? weightedSum(nll, weights) / total : null,
      binned,
    };
  }
}

function sumWeights(w: Int32Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}

/** Σ w_i·x_i (Σ x_i without weights). Separate small loops: V8 optimises them better than one fused loop. */
function weightedSum(x: Float64Array | Uint8Array, w: Int32Array | null): number {
  let s = 0;
  if (w) {
    for (let i = 0; i < x.length; i++) s += w[i] * x[i];
  } else for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}
