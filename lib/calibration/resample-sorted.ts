/**
 * The bootstrap's inner loop, laid out by sort order: every scalar metric of one resample (integer weights =
 * multiplicities w_i of the rows, drawn as before), the same metrics as MetricEngine.scalars(binnings, w).
 *
 * Every group a metric sums over is a contiguous range of some sorted column: equal-width bins and smECE grid nodes
 * of the confidence (bin and node are monotone in c), equal-mass groups of the confidence, and per class k the SCE
 * bins and ACE groups of p_k. So the set is prepared once in those orders (values, outcomes, grid fractions and the
 * per-row scores permuted alongside), each column cut into fixed ranges (a new one where the bin or node changes,
 * and at least every RANGE_MAX entries), and a resample
 *  1. gathers the weights into each order (K + 1 gathers of N reads from one N-entry array: independent loads,
 *     instead of the row-order engine's scattered read-modify-write accumulation);
 *  2. sums each range in locals, one sequential branch-free pass per column;
 *  3. builds bins, grid nodes and SCE cells from the range sums, and the equal-mass groups (confidence, and ACE's
 *     per class) by adding whole ranges and walking entries only in the ranges where a group ends.
 * Nothing is allocated per row or per resample beyond the small per-group sums.
 *
 * Same draws, same groups, same per-row terms: only the order of floating-point additions differs from the
 * row-order engine (ResampleEngine, kept as the reference of bench:stats and the unit tests): ≤ 1e-12.
 */
import { type Binning, equalMassSumsOfRanges, equalWidthBin, RANGE_MAX, type RangeSums } from "./binning";
import { binnedErrors, type BinnedErrors } from "./binned-errors";
import type { MetricEngine, Scalars } from "./engine";
import { gridNodes, type PresetGrid, SmoothEce } from "./smece";

const GRID = gridNodes(1); // 1001 nodes: smECE's grid for every σ ≥ 0.01

/** One sorted column: row ids, values, outcomes, its ranges (with the bin of each) and a buffer for its weights. */
interface Column {
  readonly order: Int32Array;
  readonly values: Float64Array;
  readonly outcome: Uint8Array;
  readonly weights: Int32Array;
  readonly ranges: RangeSums;
  /** Equal-width bin of each range (of the confidence, or SCE's of p_k). */
  readonly rangeBin: Int32Array;
}

type GroupSums = { count: Float64Array; sumValue: Float64Array; sumOutcome: Float64Array };

export class SortedResampleEngine {
  private readonly bins: number;
  private readonly conf: Column;
  /** smECE grid node of each range of the confidence column. */
  private readonly rangeNode: Int32Array;
  /** Per confidence position: smECE grid fraction, and the per-row scores (null when unavailable). */
  private readonly frac: Float64Array;
  private readonly entropy: Float64Array | null;
  private readonly brier: Float64Array | null;
  private readonly nll: Float64Array | null;
  /** Per class k (labelled sets): p_k's column. */
  private readonly classes: Column[];
  private readonly ew: GroupSums;
  private readonly em: GroupSums;
  private readonly grid: PresetGrid;

  constructor(private readonly engine: MetricEngine) {
    const r = engine.rows;
    const n = r.n;
    const m = (this.bins = engine.bins);
    const cs = engine.confSorted;
    const pos = engine.gridPositions;
    const order = cs.order;
    const nodeAt = Int32Array.from(order, (i) => pos.index[i]);
    const binAt = Int32Array.from(cs.values, (c) => equalWidthBin(c, m));
    this.conf = column(cs.order, cs.values, cs.outcome, binAt, nodeAt);
    this.rangeNode = Int32Array.from(this.conf.ranges.end, (e) => nodeAt[e - 1]);
    this.frac = new Float64Array(n);
    for (let p = 0; p < n; p++) this.frac[p] = pos.frac[order[p]];
    const permute = (x: Float64Array | null) => (x ? Float64Array.from(order, (i) => x[i]) : null);
    this.entropy = permute(r.entropyBits);
    this.brier = permute(r.brier);
    this.nll = permute(r.nll);
    this.classes = (engine.classOrders ?? []).map((o) =>
      column(o.order, o.values, o.outcome, Int32Array.from(o.values, (p) => equalWidthBin(p, m)), null),
    );
    const sums = () => ({ count: new Float64Array(m), sumValue: new Float64Array(m), sumOutcome: new Float64Array(m) });
    this.ew = sums();
    this.em = sums();
    this.grid = { vr: new Float64Array(GRID), v1: new Float64Array(GRID), total: 0 };
  }

  /** Every scalar metric of the resample with multiplicities `w` (w.length = N, in row order). */
  scalars(binnings: readonly Binning[], w: Int32Array): Scalars {
    const { conf, frac, rangeNode } = this;
    gather(w, conf);
    const wc = conf.weights;
    const cv = conf.values;
    const cy = conf.outcome;
    const { end, count: rCount, sumValue: rValue, sumOutcome: rOutcome } = conf.ranges;
    const { vr, v1 } = this.grid;
    vr.fill(0);
    v1.fill(0);
    // One pass over the confidence order, a range (one bin, one grid node) at a time: the same per-row terms as
    // the row-order pass, summed in locals.
    let p = 0;
    for (let s = 0; s < end.length; s++) {
      const e = end[s];
      let cnt = 0;
      let sc = 0;
      let sy = 0;
      let r0 = 0;
      let r1 = 0;
      let o0 = 0;
      let o1 = 0;
      for (; p < e; p++) {
        const wi = wc[p];
        const c = cv[p];
        const y = cy[p];
        const f = frac[p];
        const r = c - y;
        cnt += wi;
        sc += wi * c;
        sy += wi * y;
        r0 += wi * ((1 - f) * r);
        r1 += wi * (f * r);
        o0 += wi * (1 - f);
        o1 += wi * f;
      }
      rCount[s] = cnt;
      rValue[s] = sc;
      rOutcome[s] = sy;
      const g = rangeNode[s];
      vr[g] += r0;
      vr[g + 1] += r1;
      v1[g] += o0;
      v1[g + 1] += o1;
    }
    const ew = binSums(conf, this.ew);
    let total = 0;
    let sCorrect = 0;
    let sConf = 0;
    for (let b = 0; b < this.bins; b++) {
      total += ew.count[b];
      sConf += ew.sumValue[b];
      sCorrect += ew.sumOutcome[b];
    }
    this.grid.total = total;
    const binned: Partial<Record<Binning, BinnedErrors>> = {};
    for (const b of binnings) {
      let s = ew;
      if (b === "equal-mass") equalMassSumsOfRanges(cv, cy, wc, conf.ranges, total, this.bins, (s = this.em));
      binned[b] = binnedErrors({ m: this.bins, ...s, lower: s.sumValue, upper: s.sumValue, total });
    }
    const sm = new SmoothEce(this.engine.rows.confidence, this.engine.rows.correct, w, null, new Map([[GRID, this.grid]])).compute();
    const accuracy = sCorrect / total;
    const confidence = sConf / total;
    const classwise = this.classes.length > 0 ? this.classwise(w) : null;
    return {
      n: total,
      accuracy,
      confidence,
      overconfidence: confidence - accuracy,
      entropyBits: this.entropy ? dot(this.entropy, wc) / total : null,
      smece: sm.smece,
      smeceSigma: sm.sigma,
      sce: classwise ? classwise.sce : null,
      ace: classwise ? classwise.ace : null,
      brier: this.brier ? dot(this.brier, wc) / total : null,
      nll: this.nll ? dot(this.nll, wc) / total : null,
      binned,
    };
  }

  /**
   * SCE (as staticCalibrationError: per class, Σ_bins |Σy − Σp| / N_k, averaged over the classes present) and ACE
   * (as adaptiveCalibrationError: equal-mass groups of p_k), both from each class's column in p_k order.
   */
  private classwise(w: Int32Array): { sce: number; ace: number } {
    const m = this.bins;
    let sceTotal = 0;
    let present = 0;
    let aceTotal = 0;
    for (const col of this.classes) {
      gather(w, col);
      rangeSums(col);
      const cells = binSums(col, this.ew);
      let nk = 0;
      let gaps = 0;
      for (let b = 0; b < m; b++) {
        nk += cells.count[b];
        gaps += Math.abs(cells.sumOutcome[b] - cells.sumValue[b]);
      }
      // A class is present when its rows have weight (the classes of the expanded resample), for both metrics.
      if (nk === 0) continue;
      present++;
      sceTotal += gaps / nk;
      const s = this.em;
      equalMassSumsOfRanges(col.values, col.outcome, col.weights, col.ranges, nk, m, s);
      for (let g = 0; g < m; g++) if (s.count[g] > 0) aceTotal += Math.abs(s.sumOutcome[g] - s.sumValue[g]) / s.count[g];
    }
    return { sce: sceTotal / present, ace: aceTotal / (present * m) };
  }
}

/**
 * A column with its ranges: a new range wherever `bin` (or `node`, when given) changes along the order — both are
 * monotone there — and after RANGE_MAX entries.
 */
function column(order: Int32Array, values: Float64Array, outcome: Uint8Array, bin: Int32Array, node: Int32Array | null): Column {
  const ends: number[] = [];
  let start = 0;
  for (let p = 1; p <= order.length; p++) {
    if (p === order.length || p - start === RANGE_MAX || bin[p] !== bin[start] || (node && node[p] !== node[start])) {
      ends.push(p);
      start = p;
    }
  }
  const end = Int32Array.from(ends);
  const s = end.length;
  return {
    order,
    values,
    outcome,
    weights: new Int32Array(order.length),
    ranges: { end, count: new Float64Array(s), sumValue: new Float64Array(s), sumOutcome: new Float64Array(s) },
    rangeBin: Int32Array.from(end, (e) => bin[e - 1]),
  };
}

/** The column's weights in its order: weights[j] = w[order[j]]. */
function gather(w: Int32Array, col: Column): void {
  const { order, weights } = col;
  for (let j = 0; j < order.length; j++) weights[j] = w[order[j]];
}

/** Σw, Σw·value, Σw·outcome of each range of a column (its weights gathered). */
function rangeSums(col: Column): void {
  const { weights: w, values: v, outcome: y } = col;
  const { end, count, sumValue, sumOutcome } = col.ranges;
  let j = 0;
  for (let s = 0; s < end.length; s++) {
    const e = end[s];
    let cnt = 0;
    let sv = 0;
    let so = 0;
    for (; j < e; j++) {
      const wi = w[j];
      cnt += wi;
      sv += wi * v[j];
      so += wi * y[j];
    }
    count[s] = cnt;
    sumValue[s] = sv;
    sumOutcome[s] = so;
  }
}

/** Per-bin sums from a column's range sums (into `out`). */
function binSums(col: Column, out: GroupSums): GroupSums {
  const { count, sumValue, sumOutcome } = out;
  count.fill(0);
  sumValue.fill(0);
  sumOutcome.fill(0);
  const r = col.ranges;
  const bin = col.rangeBin;
  for (let s = 0; s < bin.length; s++) {
    const b = bin[s];
    count[b] += r.count[s];
    sumValue[b] += r.sumValue[s];
    sumOutcome[b] += r.sumOutcome[s];
  }
  return out;
}

/** Σ x_j·w_j over a column's positions. */
function dot(x: Float64Array, w: Int32Array): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += w[j] * x[j];
  return s;
}
