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
 *     locals; Σw·entropy, Σw·brier, Σw·nll in a pass of their own, in row order. The smECE grid gets
 *     node g: Σw·(1 − f)·r = Σw·c − Σw·y − Σw·f·r and Σw·(1 − f) = Σw − Σw·f, node g + 1: Σw·f·r and Σw·f;
 *  2. one such pass over all classes' entries: Σw (integer) and Σw·(p_k − y) — SCE and ACE only ever use
 *     |Σw·y − Σw·p_k| of a cell or group, so the column holds each entry's residual p_k − y;
 *  3. bins, grid nodes and SCE cells from the range sums, and the equal-mass groups (confidence, and ACE's per
 *     class) by adding whole ranges and walking entries only in the ranges where a group ends.
 * No per-resample buffer of gathered weights is written; nothing is allocated per row or per resample beyond the
 * small per-group sums.
 *
 * Lanes: the passes 1, 2 and the scores' serve LANES resamples at once (scalarsOf). Each entry's position, value and
 * outcome are then loaded once for four resamples (their weights interleaved: one load through the order brings the
 * four), and each resample's sums stay in their own locals — one chain of additions per sum, in the same order as a
 * single resample's pass (the one-lane kernels below), so a resample's numbers do not depend on which resamples share
 * its pass (the threads' parts and the in-process bootstrap agree bit for bit). The four weights usually travel as the
 * four bytes of one int32 per row (packWeights: every weight below 256), a quarter of the memory the passes read at
 * random; the int32 lanes serve a group that has a larger weight.
 *
 * Same draws, same groups, the same per-row terms up to the order and grouping of floating-point additions (and
 * (1 − f)·r summed as r − f·r, Σy − Σp as Σ(y − p)): within 1e-12 of the row-order engine (ResampleEngine, kept as the reference of
 * bench:stats and the unit tests).
 */
import { type Binning, equalMassSumsOfRanges, equalWidthBin, RANGE_MAX, type RangedColumn } from "./binning";
import { binnedErrors, type BinnedErrors } from "./binned-errors";
import type { MetricEngine, Scalars } from "./engine";
import type { RowSummary } from "./rows";
import { gridNodes, type PresetGrid, SmoothEce } from "./smece";

const GRID = gridNodes(1); // 1001 nodes: smECE's grid for every σ ≥ 0.01

// The packed passes sum a range's byte weights in 16-bit halves (confPassPacked).
if (RANGE_MAX * 255 > 0xffff) throw new Error(`RANGE_MAX ${RANGE_MAX} is too large for the packed passes' 16-bit sums`);

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

/** Resamples one pass serves (scalarsOf). */
export const LANES = 4;

/** What one lane's passes fill: range sums of both columns, the smECE grid, the three score sums. */
interface Lane {
  readonly conf: RangeColumn;
  readonly classes: RangeColumn | null;
  readonly grid: PresetGrid;
  readonly scores: { entropy: number; brier: number; nll: number };
}

export class SortedResampleEngine {
  private readonly bins: number;
  private readonly conf: RangeColumn;
  /** smECE grid node of each range of the confidence column. */
  private readonly rangeNode: Int32Array;
  /** Per position of the confidence column, 2·row + outcome: the four-lane pass reads both with one load. */
  private readonly rowOutcome: Int32Array;
  private readonly classes: ClassColumns | null;
  private readonly ew: GroupSums;
  private readonly em: GroupSums;
  private readonly lanes: Lane[];
  /** Four resamples' weights interleaved (row i's at 4i … 4i + 3): one load brings all four. */
  private readonly interleaved: Int32Array;
  /** The same four weights as the bytes of one int32 per row, when all are below 256 (packWeights). */
  private readonly packed: Int32Array;

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
    this.rowOutcome = new Int32Array(n);
    for (let p = 0; p < n; p++) this.rowOutcome[p] = 2 * order[p] + cs.outcome[p];
    this.classes = classColumns(engine);
    const sums = () => ({ count: new Float64Array(m), sumValue: new Float64Array(m), sumOutcome: new Float64Array(m) });
    this.ew = sums();
    this.em = sums();
    const classes = this.classes;
    this.lanes = Array.from({ length: LANES }, () => ({
      conf: withOwnSums(this.conf),
      classes: classes && withOwnSums(classes.col),
      grid: { vr: new Float64Array(GRID), v1: new Float64Array(GRID), total: 0 },
      scores: { entropy: 0, brier: 0, nll: 0 },
    }));
    this.interleaved = new Int32Array(LANES * n);
    this.packed = new Int32Array(n);
  }

  /** Every scalar metric of the resample with multiplicities `w` (w.length = N, in row order). */
  scalars(binnings: readonly Binning[], w: Int32Array): Scalars {
    return this.scalarsOf(binnings, [w])[0];
  }

  /**
   * The scalars of each resample in `ws` (multiplicities in row order), LANES at a time; the same numbers as
   * scalars() of each alone.
   */
  scalarsOf(binnings: readonly Binning[], ws: readonly Int32Array[]): Scalars[] {
    const out: Scalars[] = [];
    const lanes = this.lanes;
    const classes = this.classes;
    const rows = this.engine.rows;
    let i = 0;
    for (; i + LANES <= ws.length; i += LANES) {
      const [w0, w1, w2, w3] = ws.slice(i, i + LANES);
      if (packWeights(this.packed, w0, w1, w2, w3)) {
        confPassPacked(this.conf, this.rangeNode, this.rowOutcome, lanes, this.packed);
        if (classes) classSumsPacked(classes.col, lanes, this.packed);
      } else {
        const w = interleave(this.interleaved, w0, w1, w2, w3);
        confPass4(this.conf, this.rangeNode, this.rowOutcome, lanes, w);
        if (classes) classSums4(classes.col, lanes, w);
      }
      scoreSums4(rows, lanes, w0, w1, w2, w3);
      for (let b = 0; b < LANES; b++) out.push(this.finish(binnings, lanes[b], ws[i + b]));
    }
    for (; i < ws.length; i++) {
      const lane = lanes[0];
      confPass1(this.conf, this.rangeNode, lane, ws[i]);
      if (classes) classSums1(classes.col, lane.classes!, ws[i]);
      scoreSums1(rows, lane, ws[i]);
      out.push(this.finish(binnings, lane, ws[i]));
    }
    return out;
  }

  /** The scalars of one resample from its lane's passes. */
  private finish(binnings: readonly Binning[], lane: Lane, w: Int32Array): Scalars {
    const conf = lane.conf;
    const scores = this.engine.rows;
    const ew = binSums(conf, 0, conf.rangeBin.length, this.ew);
    let total = 0;
    let sCorrect = 0;
    let sConf = 0;
    for (let b = 0; b < this.bins; b++) {
      total += ew.count[b];
      sConf += ew.sumValue[b];
      sCorrect += ew.sumOutcome[b];
    }
    lane.grid.total = total;
    const binned: Partial<Record<Binning, BinnedErrors>> = {};
    for (const b of binnings) {
      let s = ew;
      if (b === "equal-mass") equalMassSumsOfRanges(conf, w, 0, conf.rangeBin.length, 0, total, this.bins, (s = this.em));
      binned[b] = binnedErrors({ m: this.bins, ...s, lower: s.sumValue, upper: s.sumValue, total });
    }
    const sm = new SmoothEce(scores.confidence, scores.correct, w, null, new Map([[GRID, lane.grid]])).compute();
    const accuracy = sCorrect / total;
    const confidence = sConf / total;
    const classwise = this.classes ? this.classwise(this.classes, lane.classes!, w) : null;
    const sums = lane.scores;
    return {
      n: total,
      accuracy,
      confidence,
      overconfidence: confidence - accuracy,
      entropyBits: scores.entropyBits ? sums.entropy / total : null,
      smece: sm.smece,
      smeceSigma: sm.sigma,
      sce: classwise ? classwise.sce : null,
      ace: classwise ? classwise.ace : null,
      brier: scores.brier ? sums.brier / total : null,
      nll: scores.nll ? sums.nll / total : null,
      binned,
    };
  }

  /**
   * SCE (as staticCalibrationError: per class, Σ_bins |Σy − Σp| / N_k, averaged over the classes present) and ACE
   * (as adaptiveCalibrationError: equal-mass groups of p_k), from the classes' column with one lane's range sums.
   */
  private classwise({ rangeStart, cells }: ClassColumns, col: RangeColumn, w: Int32Array): { sce: number; ace: number } {
    const m = this.bins;
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

/** The column with range sums of its own (a lane's), sharing its entries and ranges. */
function withOwnSums(col: RangeColumn): RangeColumn {
  const s = col.rangeBin.length;
  return {
    order: col.order,
    values: col.values,
    outcome: col.outcome,
    ranges: { end: col.ranges.end, count: new Float64Array(s), sumValue: new Float64Array(s), sumOutcome: new Float64Array(s) },
    rangeBin: col.rangeBin,
  };
}

/**
 * Four resamples' weights interleaved into `out` (4N). The passes then read one array through the order instead of
 * four: fewer live array pointers in their loops, which V8 otherwise keeps in memory (measured: the classes' pass
 * 1.3–1.4× faster this way, the interleaving itself a sequential pass).
 */
function interleave(out: Int32Array, w0: Int32Array, w1: Int32Array, w2: Int32Array, w3: Int32Array): Int32Array {
  for (let i = 0, at = 0; i < w0.length; i++, at += 4) {
    out[at] = w0[i];
    out[at + 1] = w1[i];
    out[at + 2] = w2[i];
    out[at + 3] = w3[i];
  }
  return out;
}

/**
 * Four resamples' weights as the four bytes of one int32 per row (lane b in bits 8b … 8b + 7), when every weight is
 * below 256 — all but never for a bootstrap of more than a few hundred rows (a row drawn 256 times of N draws has
 * probability below N·e⁻¹/256!) and always for fewer; false (out unusable) otherwise, and the int32 lanes serve. A
 * quarter of the interleaved array's bytes: the passes' random loads through the order stay in a core's L2 cache
 * (400 KB for 100,000 rows, 1.6 MB interleaved), and one load brings the four weights.
 */
function packWeights(out: Int32Array, w0: Int32Array, w1: Int32Array, w2: Int32Array, w3: Int32Array): boolean {
  let any = 0;
  for (let i = 0; i < w0.length; i++) {
    const a = w0[i];
    const b = w1[i];
    const c = w2[i];
    const d = w3[i];
    any |= a | b | c | d;
    out[i] = a | (b << 8) | (c << 16) | (d << 24);
  }
  return any < 256;
}

/**
 * confPass4 over packed weights: the same additions in the same order per lane (a weight is the same integer whether
 * unpacked from a byte or read from an int32, so every product and sum is the same double). The integer sums Σw and
 * Σw·y of lanes 0 and 2 (and 1 and 3) share one int32 as two 16-bit halves: a range holds ≤ RANGE_MAX = 64 entries of
 * weight ≤ 255, at most 16,320 per half.
 */
function confPassPacked(col: RangeColumn, rangeNode: Int32Array, ro: Int32Array, lanes: Lane[], pw: Int32Array): void {
  const cv = col.values;
  const end = col.ranges.end;
  const [l0, l1, l2, l3] = lanes;
  const r0 = l0.conf.ranges;
  const r1 = l1.conf.ranges;
  const r2 = l2.conf.ranges;
  const r3 = l3.conf.ranges;
  for (const l of lanes) {
    l.grid.vr.fill(0);
    l.grid.v1.fill(0);
  }
  const g0 = l0.grid;
  const g1 = l1.grid;
  const g2 = l2.grid;
  const g3 = l3.grid;
  let p = 0;
  for (let s = 0; s < end.length; s++) {
    const e = end[s];
    const g = rangeNode[s];
    let n02 = 0, n13 = 0, y02 = 0, y13 = 0;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    let f0 = 0, f1 = 0, f2 = 0, f3 = 0;
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    for (; p < e; p++) {
      const k = ro[p];
      const c = cv[p];
      const y = k & 1;
      const my = -y;
      const f = c * (GRID - 1) - g;
      const fr = f * (c - y);
      const w = pw[k >> 1];
      const even = w & 0xff00ff;
      const odd = (w >>> 8) & 0xff00ff;
      n02 = (n02 + even) | 0;
      n13 = (n13 + odd) | 0;
      y02 = (y02 + (even & my)) | 0;
      y13 = (y13 + (odd & my)) | 0;
      const a0 = w & 255;
      const a1 = (w >>> 8) & 255;
      const a2 = (w >>> 16) & 255;
      const a3 = w >>> 24;
      c0 += a0 * c;
      c1 += a1 * c;
      c2 += a2 * c;
      c3 += a3 * c;
      f0 += a0 * f;
      f1 += a1 * f;
      f2 += a2 * f;
      f3 += a3 * f;
      q0 += a0 * fr;
      q1 += a1 * fr;
      q2 += a2 * fr;
      q3 += a3 * fr;
    }
    const n0 = n02 & 0xffff, n2 = n02 >>> 16, n1 = n13 & 0xffff, n3 = n13 >>> 16;
    const y0 = y02 & 0xffff, y2 = y02 >>> 16, y1 = y13 & 0xffff, y3 = y13 >>> 16;
    putRange(r0, s, n0, c0, y0);
    putRange(r1, s, n1, c1, y1);
    putRange(r2, s, n2, c2, y2);
    putRange(r3, s, n3, c3, y3);
    addGrid(g0, g, n0, y0, c0, f0, q0);
    addGrid(g1, g, n1, y1, c1, f1, q1);
    addGrid(g2, g, n2, y2, c2, f2, q2);
    addGrid(g3, g, n3, y3, c3, f3, q3);
  }
}

/**
 * The pass over the confidence order for one resample: range sums (Σw, Σw·c, Σw·y) and the smECE grid. Σw and Σw·y
 * are integers (int32 locals: a range holds ≤ RANGE_MAX entries, each of weight ≤ N). smECE's grid fraction is
 * computed as gridPositions computes it (f = c·(G − 1) − node), with its share of the residual f·(c − y).
 */
function confPass1(col: RangeColumn, rangeNode: Int32Array, lane: Lane, w: Int32Array): void {
  const { order, values: cv, outcome: cy } = col;
  const end = col.ranges.end;
  const ranges = lane.conf.ranges;
  const grid = lane.grid;
  grid.vr.fill(0);
  grid.v1.fill(0);
  let p = 0;
  for (let s = 0; s < end.length; s++) {
    const e = end[s];
    const g = rangeNode[s];
    let cnt = 0;
    let sy = 0;
    let sc = 0;
    let sf = 0;
    let sfr = 0;
    for (; p < e; p++) {
      const wi = w[order[p]];
      const c = cv[p];
      const y = cy[p];
      const f = c * (GRID - 1) - g;
      cnt = (cnt + wi) | 0;
      sy = (sy + (wi & -y)) | 0;
      sc += wi * c;
      sf += wi * f;
      sfr += wi * (f * (c - y));
    }
    putRange(ranges, s, cnt, sc, sy);
    addGrid(grid, g, cnt, sy, sc, sf, sfr);
  }
}

/** confPass1 for four resamples in one pass: per lane, the same additions in the same order. */
function confPass4(col: RangeColumn, rangeNode: Int32Array, ro: Int32Array, lanes: Lane[], w: Int32Array): void {
  const cv = col.values;
  const end = col.ranges.end;
  const [l0, l1, l2, l3] = lanes;
  const r0 = l0.conf.ranges;
  const r1 = l1.conf.ranges;
  const r2 = l2.conf.ranges;
  const r3 = l3.conf.ranges;
  for (const l of lanes) {
    l.grid.vr.fill(0);
    l.grid.v1.fill(0);
  }
  const g0 = l0.grid;
  const g1 = l1.grid;
  const g2 = l2.grid;
  const g3 = l3.grid;
  let p = 0;
  for (let s = 0; s < end.length; s++) {
    const e = end[s];
    const g = rangeNode[s];
    let n0 = 0, n1 = 0, n2 = 0, n3 = 0;
    let y0 = 0, y1 = 0, y2 = 0, y3 = 0;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    let f0 = 0, f1 = 0, f2 = 0, f3 = 0;
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    for (; p < e; p++) {
      const k = ro[p];
      const c = cv[p];
      const y = k & 1;
      const my = -y;
      const f = c * (GRID - 1) - g;
      const fr = f * (c - y);
      const at = (k >> 1) << 2;
      const a0 = w[at];
      const a1 = w[at + 1];
      const a2 = w[at + 2];
      const a3 = w[at + 3];
      n0 = (n0 + a0) | 0;
      n1 = (n1 + a1) | 0;
      n2 = (n2 + a2) | 0;
      n3 = (n3 + a3) | 0;
      y0 = (y0 + (a0 & my)) | 0;
      y1 = (y1 + (a1 & my)) | 0;
      y2 = (y2 + (a2 & my)) | 0;
      y3 = (y3 + (a3 & my)) | 0;
      c0 += a0 * c;
      c1 += a1 * c;
      c2 += a2 * c;
      c3 += a3 * c;
      f0 += a0 * f;
      f1 += a1 * f;
      f2 += a2 * f;
      f3 += a3 * f;
      q0 += a0 * fr;
      q1 += a1 * fr;
      q2 += a2 * fr;
      q3 += a3 * fr;
    }
    putRange(r0, s, n0, c0, y0);
    putRange(r1, s, n1, c1, y1);
    putRange(r2, s, n2, c2, y2);
    putRange(r3, s, n3, c3, y3);
    addGrid(g0, g, n0, y0, c0, f0, q0);
    addGrid(g1, g, n1, y1, c1, f1, q1);
    addGrid(g2, g, n2, y2, c2, f2, q2);
    addGrid(g3, g, n3, y3, c3, f3, q3);
  }
}

/** One lane's sums of range s. */
function putRange(r: RangedColumn["ranges"], s: number, count: number, sumValue: number, sumOutcome: number): void {
  r.count[s] = count;
  r.sumValue[s] = sumValue;
  r.sumOutcome[s] = sumOutcome;
}

/**
 * A range's share of the smECE grid: node g gets Σw·(1 − f)·r = Σw·c − Σw·y − Σw·f·r and Σw·(1 − f) = Σw − Σw·f,
 * node g + 1 gets Σw·f·r and Σw·f.
 */
function addGrid(grid: PresetGrid, g: number, cnt: number, sy: number, sc: number, sf: number, sfr: number): void {
  grid.vr[g] += sc - sy - sfr;
  grid.vr[g + 1] += sfr;
  grid.v1[g] += cnt - sf;
  grid.v1[g + 1] += sf;
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
  // Every classwise sum is of |Σw·y − Σw·p_k| per SCE cell or ACE group (and Σw): the column holds the residual
  // p_k − y of each entry, so a pass keeps one float sum per range, Σw·(p_k − y), and the outcome sums stay 0.
  const residual = new Float64Array(size);
  const cell = new Int32Array(size);
  const firstOf: number[] = [];
  let at = 0;
  for (let k = 0; k < orders.length; k++) {
    const o = orders[k];
    firstOf.push(at);
    order.set(o.order, at);
    for (let j = 0; j < o.values.length; j++) {
      residual[at + j] = o.values[j] - o.outcome[j];
      cell[at + j] = k * m + equalWidthBin(o.values[j], m);
    }
    at += o.order.length;
  }
  // A class change always changes the cell (cells of class k are k·M … k·M + M − 1), so ranges never span classes.
  const col = rangeColumn(order, residual, new Uint8Array(size), cell);
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
 * Σw and Σw·(p_k − y) of each range of the classes' column (into `into`'s range sums; the outcome sums stay 0), each
 * weight read through the order.
 */
function classSums1(col: RangeColumn, into: RangeColumn, w: Int32Array): void {
  const { order, values: r } = col;
  const end = col.ranges.end;
  const ranges = into.ranges;
  let j = 0;
  for (let s = 0; s < end.length; s++) {
    const e = end[s];
    let cnt = 0;
    let sr = 0;
    for (; j < e; j++) {
      const wi = w[order[j]];
      cnt = (cnt + wi) | 0;
      sr += wi * r[j];
    }
    putRange(ranges, s, cnt, sr, 0);
  }
}

/** classSums1 for four resamples in one pass (each lane's classes' column). */
function classSums4(col: RangeColumn, lanes: Lane[], w: Int32Array): void {
  const { order, values: r } = col;
  const end = col.ranges.end;
  const r0 = lanes[0].classes!.ranges;
  const r1 = lanes[1].classes!.ranges;
  const r2 = lanes[2].classes!.ranges;
  const r3 = lanes[3].classes!.ranges;
  let j = 0;
  for (let s = 0; s < end.length; s++) {
    const e = end[s];
    let n0 = 0, n1 = 0, n2 = 0, n3 = 0;
    let v0 = 0, v1 = 0, v2 = 0, v3 = 0;
    for (; j < e; j++) {
      const at = order[j] << 2;
      const x = r[j];
      const a0 = w[at];
      const a1 = w[at + 1];
      const a2 = w[at + 2];
      const a3 = w[at + 3];
      n0 = (n0 + a0) | 0;
      n1 = (n1 + a1) | 0;
      n2 = (n2 + a2) | 0;
      n3 = (n3 + a3) | 0;
      v0 += a0 * x;
      v1 += a1 * x;
      v2 += a2 * x;
      v3 += a3 * x;
    }
    putRange(r0, s, n0, v0, 0);
    putRange(r1, s, n1, v1, 0);
    putRange(r2, s, n2, v2, 0);
    putRange(r3, s, n3, v3, 0);
  }
}

/** classSums4 over packed weights (as confPassPacked: the same sums, Σw of two lanes per int32). */
function classSumsPacked(col: RangeColumn, lanes: Lane[], pw: Int32Array): void {
  const { order, values: r } = col;
  const end = col.ranges.end;
  const r0 = lanes[0].classes!.ranges;
  const r1 = lanes[1].classes!.ranges;
  const r2 = lanes[2].classes!.ranges;
  const r3 = lanes[3].classes!.ranges;
  let j = 0;
  for (let s = 0; s < end.length; s++) {
    const e = end[s];
    let n02 = 0, n13 = 0;
    let v0 = 0, v1 = 0, v2 = 0, v3 = 0;
    for (; j < e; j++) {
      const w = pw[order[j]];
      const x = r[j];
      n02 = (n02 + (w & 0xff00ff)) | 0;
      n13 = (n13 + ((w >>> 8) & 0xff00ff)) | 0;
      v0 += (w & 255) * x;
      v1 += ((w >>> 8) & 255) * x;
      v2 += ((w >>> 16) & 255) * x;
      v3 += (w >>> 24) * x;
    }
    putRange(r0, s, n02 & 0xffff, v0, 0);
    putRange(r1, s, n13 & 0xffff, v1, 0);
    putRange(r2, s, n02 >>> 16, v2, 0);
    putRange(r3, s, n13 >>> 16, v3, 0);
  }
}

/** Σw·entropy, Σw·brier, Σw·nll in row order (0 where the score is unavailable: finish() reports null then). */
function scoreSums1(rows: RowSummary, lane: Lane, w: Int32Array): void {
  const { entropyBits: h, brier: b, nll: l } = rows;
  lane.scores.entropy = h ? dot(h, w) : 0;
  lane.scores.brier = b ? dot(b, w) : 0;
  lane.scores.nll = l ? dot(l, w) : 0;
}

/** scoreSums1 for four resamples: one pass loads each row's scores and weights once for the four. */
function scoreSums4(rows: RowSummary, lanes: Lane[], w0: Int32Array, w1: Int32Array, w2: Int32Array, w3: Int32Array): void {
  const { entropyBits: h, brier: b, nll: l } = rows;
  if (!(h && b && l)) {
    for (const [lane, w] of [[lanes[0], w0], [lanes[1], w1], [lanes[2], w2], [lanes[3], w3]] as const) scoreSums1(rows, lane, w);
    return;
  }
  let h0 = 0, h1 = 0, h2 = 0, h3 = 0;
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  for (let i = 0; i < h.length; i++) {
    const a0 = w0[i];
    const a1 = w1[i];
    const a2 = w2[i];
    const a3 = w3[i];
    const hi = h[i];
    const bi = b[i];
    const li = l[i];
    h0 += a0 * hi;
    h1 += a1 * hi;
    h2 += a2 * hi;
    h3 += a3 * hi;
    b0 += a0 * bi;
    b1 += a1 * bi;
    b2 += a2 * bi;
    b3 += a3 * bi;
    l0 += a0 * li;
    l1 += a1 * li;
    l2 += a2 * li;
    l3 += a3 * li;
  }
  const sums = [
    [h0, b0, l0],
    [h1, b1, l1],
    [h2, b2, l2],
    [h3, b3, l3],
  ];
  for (let k = 0; k < LANES; k++) {
    const s = lanes[k].scores;
    [s.entropy, s.brier, s.nll] = sums[k];
  }
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
