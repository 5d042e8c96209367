/**
 * The bootstrap's inner loop, laid out by sort order: every scalar metric of one resample (integer weights =
 * multiplicities w_i of the rows, drawn as before), the same metrics as MetricEngine.scalars(binnings, w).
 *
 * Every group a metric sums over is a contiguous range of some sorted column: equal-width bins and smECE grid nodes
 * of the confidence (bin and node are monotone in c), equal-mass groups of the confidence, and per class k the SCE
 * bins and ACE groups of p_k. So the set is prepared once in those orders — the confidence column, and one column
 * holding every class's p_k column one after the other — with what a resample multiplies by a weight laid out per
 * position (values, outcomes, the per-row scores; smECE's grid fraction f is c·(G − 1) − node, computed). Each column
 * is cut into fixed ranges (a new one where the bin, the grid node or the class changes, and at least every
 * RANGE_MAX entries), and a resample makes
 *  1. one fused pass over the confidence order: per range, each entry's weight read through the order
 *     (w[order[p]]: independent loads) and Σw, Σw·y kept in integer locals, Σw·c, Σw·f, Σw·f·(c − y) in float
 *     locals; Σw·entropy, Σw·brier, Σw·nll over the whole pass. The smECE grid gets
 *     node g: Σw·(1 − f)·r = Σw·c − Σw·y − Σw·f·r and Σw·(1 − f) = Σw − Σw·f, node g + 1: Σw·f·r and Σw·f;
 *  2. one such pass over all classes' entries (Σw, Σw·y integer, Σw·p_k);
 *  3. bins, grid nodes and SCE cells from the range sums, and the equal-mass groups (confidence, and ACE's per
 *     class) by adding whole ranges and walking entries only in the ranges where a group ends.
 * No per-resample buffer of gathered weights is written; nothing is allocated per row or per resample beyond the
 * small per-group sums.
 *
 * Same draws, same groups, the same per-row terms up to the order and grouping of floating-point additions (and
 * (1 − f)·r summed as r − f·r): within 1e-12 of the row-order engine (ResampleEngine, kept as the reference of
 * bench:stats and the unit tests).
 */
import { type Binning, equalMassSumsOfRanges, equalWidthBin, RANGE_MAX, type RangedColumn } from "./binning";
import { binnedErrors, type BinnedErrors } from "./binned-errors";
import type { MetricEngine, Scalars } from "./engine";
import type { RowSummary } from "./rows";
import { gridNodes, type PresetGrid, SmoothEce } from "./smece";

const GRID = gridNodes(1); // 1001 nodes: smECE's grid for every σ ≥ 0.01

/** A sorted column: row id, value and outcome per position, and its ranges (with the bin, or SCE cell, of each). */
export interface RangeColumn extends RangedColumn {
  /** Equal-width bin of each range (confidence), or its SCE cell k·M + bin of p_k (classes). */
  readonly rangeBin: Int32Array;
}

type GroupSums = { count: Float64Array; sumValue: Float64Array; sumOutcome: Float64Array };


/** The classes' column (labelled sets): every class's entries, class k's ranges [rangeStart[k], rangeStart[k+1]). */
interface ClassColumns {
  readonly col: RangeColumn;
  readonly rangeStart: Int32Array;
  /** SCE cells (K·M) of one resample. */
  readonly cells: GroupSums;
}

export class SortedResampleEngine {
  private readonly bins: number;
  private readonly conf: RangeColumn;
  /** smECE grid node of each range of the confidence column. */
  private readonly rangeNode: Int32Array;
  private readonly classes: ClassColumns | null;
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
    // Per position of the confidence order, bin · GRID + node: a range ends where either changes. (Plain loops here:
    // typed-array callbacks cost more than a resample.)
    const key = new Int32Array(n);
    for (let p = 0; p < n; p++) key[p] = equalWidthBin(cs.values[p], m) * GRID + pos.index[order[p]];
    this.conf = rangeColumn(order, cs.values, cs.outcome, key);
    const keys = this.conf.rangeBin;
    this.rangeNode = new Int32Array(keys.length);
    for (let s = 0; s < keys.length; s++) {
      this.rangeNode[s] = keys[s] % GRID;
      keys[s] = (keys[s] - this.rangeNode[s]) / GRID;
    }
    this.classes = classColumns(engine);
    const sums = () => ({ count: new Float64Array(m), sumValue: new Float64Array(m), sumOutcome: new Float64Array(m) });
    this.ew = sums();
    this.em = sums();
    this.grid = { vr: new Float64Array(GRID), v1: new Float64Array(GRID), total: 0 };
  }

  /** Every scalar metric of the resample with multiplicities `w` (w.length = N, in row order). */
  scalars(binnings: readonly Binning[], w: Int32Array): Scalars {
    const conf = this.conf;
    this.confPass(w);
    const scores = scoreSums(this.engine.rows, w);
    const ew = binSums(conf, 0, conf.rangeBin.length, this.ew);
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
      if (b === "equal-mass") equalMassSumsOfRanges(conf, w, 0, conf.rangeBin.length, 0, total, this.bins, (s = this.em));
      binned[b] = binnedErrors({ m: this.bins, ...s, lower: s.sumValue, upper: s.sumValue, total });
    }
    const sm = new SmoothEce(this.engine.rows.confidence, this.engine.rows.correct, w, null, new Map([[GRID, this.grid]])).compute();
    const accuracy = sCorrect / total;
    const confidence = sConf / total;
    const classwise = this.classes ? this.classwise(this.classes, w) : null;
    return {
      n: total,
      accuracy,
      confidence,
      overconfidence: confidence - accuracy,
      entropyBits: scores.entropy === null ? null : scores.entropy / total,
      smece: sm.smece,
      smeceSigma: sm.sigma,
      sce: classwise ? classwise.sce : null,
      ace: classwise ? classwise.ace : null,
      brier: scores.brier === null ? null : scores.brier / total,
      nll: scores.nll === null ? null : scores.nll / total,
      binned,
    };
  }

  /** The pass over the confidence order: range sums (Σw, Σw·c, Σw·y) and the smECE grid. */
  private confPass(w: Int32Array): void {
    const { order, values: cv, outcome: cy } = this.conf;
    const { end, count: rCount, sumValue: rValue, sumOutcome: rOutcome } = this.conf.ranges;
    const rangeNode = this.rangeNode;
    const { vr, v1 } = this.grid;
    vr.fill(0);
    v1.fill(0);
    let p = 0;
    for (let s = 0; s < end.length; s++) {
      const e = end[s];
      const g = rangeNode[s];
      // Σw and Σw·y are integers (int32 locals: a range holds ≤ RANGE_MAX entries, each of weight ≤ N).
      let cnt = 0;
      let sy = 0;
      let sc = 0;
      let sf = 0;
      let sfr = 0;
      for (; p < e; p++) {
        const wi = w[order[p]];
        const c = cv[p];
        const y = cy[p];
        // smECE's grid fraction, as gridPositions computes it (c·(G − 1) − node), and its share of the residual
        const f = c * (GRID - 1) - g;
        cnt = (cnt + wi) | 0;
        sy = (sy + (wi & -y)) | 0;
        sc += wi * c;
        sf += wi * f;
        sfr += wi * (f * (c - y));
      }
      rCount[s] = cnt;
      rValue[s] = sc;
      rOutcome[s] = sy;
      vr[g] += sc - sy - sfr;
      vr[g + 1] += sfr;
      v1[g] += cnt - sf;
      v1[g + 1] += sf;
    }
  }

  /**
   * SCE (as staticCalibrationError: per class, Σ_bins |Σy − Σp| / N_k, averaged over the classes present) and ACE
   * (as adaptiveCalibrationError: equal-mass groups of p_k), both from the classes' column.
   */
  private classwise({ col, rangeStart, cells }: ClassColumns, w: Int32Array): { sce: number; ace: number } {
    const m = this.bins;
    rangeSums(col, w);
    binSums(col, 0, col.rangeBin.length, cells);
    let sceTotal = 0;
    let present = 0;
    let aceTotal = 0;
    for (let k = 0; k + 1 < rangeStart.length; k++) {
      let nk = 0;
      let gaps = 0;
      for (let b = k * m; b < (k + 1) * m; b++) {
        nk += cells.count[b];
        gaps += Math.abs(cells.sumOutcome[b] - cells.sumValue[b]);
      }
      // A class is present when its rows have weight (the classes of the expanded resample), for both metrics.
      if (nk === 0) continue;
      present++;
      sceTotal += gaps / nk;
      const s = this.em;
      const r0 = rangeStart[k];
      equalMassSumsOfRanges(col, w, r0, rangeStart[k + 1], r0 > 0 ? col.ranges.end[r0 - 1] : 0, nk, m, s);
      for (let g = 0; g < m; g++) if (s.count[g] > 0) aceTotal += Math.abs(s.sumOutcome[g] - s.sumValue[g]) / s.count[g];
    }
    return { sce: sceTotal / present, ace: aceTotal / (present * m) };
  }
}

/**
 * A column with its ranges: a new range wherever `key` changes along the order (bin, grid node or class: monotone
 * there), and after RANGE_MAX entries. rangeBin holds each range's key.
 */
function rangeColumn(order: Int32Array, values: Float64Array, outcome: Uint8Array, key: Int32Array): RangeColumn {
  const n = order.length;
  const ends = new Int32Array(n);
  let s = 0;
  let start = 0;
  for (let p = 1; p <= n; p++) {
    if (p === n || p - start === RANGE_MAX || key[p] !== key[start]) {
      ends[s++] = p;
      start = p;
    }
  }
  const end = ends.slice(0, s);
  const rangeBin = new Int32Array(s);
  for (let r = 0; r < s; r++) rangeBin[r] = key[end[r] - 1];
  return {
    order,
    values,
    outcome,
    ranges: { end, count: new Float64Array(s), sumValue: new Float64Array(s), sumOutcome: new Float64Array(s) },
    rangeBin,
  };
}

/** Every class's sorted p_k column (MetricEngine.classOrders) laid end to end; null for top-label sets. */
function classColumns(engine: MetricEngine): ClassColumns | null {
  const orders = engine.classOrders;
  if (!orders) return null;
  const m = engine.bins;
  let size = 0;
  for (const o of orders) size += o.order.length;
  const order = new Int32Array(size);
  const values = new Float64Array(size);
  const outcome = new Uint8Array(size);
  const cell = new Int32Array(size);
  const firstOf: number[] = [];
  let at = 0;
  for (let k = 0; k < orders.length; k++) {
    const o = orders[k];
    firstOf.push(at);
    order.set(o.order, at);
    values.set(o.values, at);
    outcome.set(o.outcome, at);
    for (let j = 0; j < o.values.length; j++) cell[at + j] = k * m + equalWidthBin(o.values[j], m);
    at += o.order.length;
  }
  // A class change always changes the cell (cells of class k are k·M … k·M + M − 1), so ranges never span classes.
  const col = rangeColumn(order, values, outcome, cell);
  const rangeStart: number[] = [];
  let r = 0;
  for (const first of firstOf) {
    while (r < col.ranges.end.length && col.ranges.end[r] <= first) r++;
    rangeStart.push(r);
  }
  rangeStart.push(col.ranges.end.length);
  const cellsTotal = orders.length * m;
  return {
    col,
    rangeStart: Int32Array.from(rangeStart),
    cells: { count: new Float64Array(cellsTotal), sumValue: new Float64Array(cellsTotal), sumOutcome: new Float64Array(cellsTotal) },
  };
}

/**
 * Σw, Σw·value, Σw·outcome of each range of a column, each weight read through the order (w is in row order). Two
 * entries a step with two float accumulators: the additions of one chain wait for each other, two chains overlap.
 */
function rangeSums(col: RangeColumn, w: Int32Array): void {
  const { order, values: v, outcome: y } = col;
  const { end, count, sumValue, sumOutcome } = col.ranges;
  let j = 0;
  for (let s = 0; s < end.length; s++) {
    const e = end[s];
    let cnt = 0;
    let so = 0;
    let sv0 = 0;
    let sv1 = 0;
    for (; j + 1 < e; j += 2) {
      const w0 = w[order[j]];
      const w1 = w[order[j + 1]];
      cnt = (cnt + w0 + w1) | 0;
      so = (so + (w0 & -y[j]) + (w1 & -y[j + 1])) | 0;
      sv0 += w0 * v[j];
      sv1 += w1 * v[j + 1];
    }
    if (j < e) {
      const wi = w[order[j]];
      cnt = (cnt + wi) | 0;
      so = (so + (wi & -y[j])) | 0;
      sv0 += wi * v[j];
      j++;
    }
    count[s] = cnt;
    sumValue[s] = sv0 + sv1;
    sumOutcome[s] = so;
  }
}

/**
 * Σw·entropy, Σw·brier, Σw·nll (null where the score is unavailable), in row order: a sequential pass of its own
 * costs less than three more float chains in the confidence pass (measured: 3.5 vs 5.0 ns per row).
 */
function scoreSums(rows: RowSummary, w: Int32Array): { entropy: number | null; brier: number | null; nll: number | null } {
  const { entropyBits: h, brier: b, nll: l } = rows;
  if (h && b && l) {
    let sH = 0;
    let sB = 0;
    let sN = 0;
    for (let i = 0; i < w.length; i++) {
      const wi = w[i];
      sH += wi * h[i];
      sB += wi * b[i];
      sN += wi * l[i];
    }
    return { entropy: sH, brier: sB, nll: sN };
  }
  return { entropy: h && dot(h, w), brier: b && dot(b, w), nll: l && dot(l, w) };
}

function dot(x: Float64Array, w: Int32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += w[i] * x[i];
  return s;
}

/** Per-bin (or per-cell) sums from the range sums of ranges [from, to) of a column (into `out`). */
function binSums(col: RangeColumn, from: number, to: number, out: GroupSums): GroupSums {
  const { count, sumValue, sumOutcome } = out;
  count.fill(0);
  sumValue.fill(0);
  sumOutcome.fill(0);
  const r = col.ranges;
  const bin = col.rangeBin;
  for (let s = from; s < to; s++) {
    const b = bin[s];
    count[b] += r.count[s];
    sumValue[b] += r.sumValue[s];
    sumOutcome[b] += r.sumOutcome[s];
  }
  return out;
}
