/**
 * The two binnings of confidences, and per-bin sums.
 *
 * Equal-width: bin(c) = min(floor(c·M), M−1), computed in float64. Confidence 1.0 falls in the last bin
 * (no phantom bin M), a value exactly on an edge k/M goes to the bin above it — as far as the float64
 * product c·M says so: (15/22)·22 = 14.999999999999998, so that value lands in bin 14, not 15.
 *
 * Equal-mass: rows sorted by confidence ascending (stable: ties in input order) and cut into M
 * contiguous groups whose sizes differ by at most one, larger groups first — numpy.array_split's rule.
 * With N < M the last M − N groups are empty.
 *
 * Weights (bootstrap multiplicities) count a row w times; with weights the equal-mass split is the one
 * of the expanded sample listed in original row order, so copies of one row may straddle two groups.
 */

import { bucketize, sortRange, stableArgsort } from "./sort";

export type Binning = "equal-width" | "equal-mass";
export const BINNINGS: readonly Binning[] = ["equal-width", "equal-mass"];
export const DEFAULT_BINS = 15;

export function equalWidthBin(c: number, m: number): number {
  const b = Math.floor(c * m);
  return b >= m ? m - 1 : b < 0 ? 0 : b;
}

/** Sizes of M groups splitting `total` items as numpy.array_split does: the first total mod M get one more. */
export function groupSizes(total: number, m: number): Float64Array {
  const sizes = new Float64Array(m);
  const q = Math.floor(total / m);
  const extra = total - q * m;
  for (let g = 0; g < m; g++) sizes[g] = g < extra ? q + 1 : q;
  return sizes;
}

/** Per-bin sums of a binned (value, outcome) sample. */
export interface BinSums {
  readonly m: number;
  /** Rows per bin (weighted). */
  readonly count: Float64Array;
  /** Σ value per bin (the confidence, or p_k for classwise bins). */
  readonly sumValue: Float64Array;
  /** Σ outcome per bin (correct, or [gold = k]). */
  readonly sumOutcome: Float64Array;
  /** Bin edges: equal-width k/M; equal-mass the smallest and largest value in the group. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Total rows (weighted): N. */
  readonly total: number;
}

function emptySums(m: number): BinSums & { total: number } {
  return {
    m,
    count: new Float64Array(m),
    sumValue: new Float64Array(m),
    sumOutcome: new Float64Array(m),
    lower: new Float64Array(m),
    upper: new Float64Array(m),
    total: 0,
  };
}

/** Equal-width bin sums of values[i] with outcome[i]. */
export function equalWidthSums(
  values: Float64Array,
  outcome: Uint8Array,
  m: number,
  weights: Int32Array | null = null,
): BinSums {
  const s = emptySums(m);
  const { count, sumValue, sumOutcome } = s;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    const c = values[i];
    const b = equalWidthBin(c, m);
    count[b] += w;
    sumValue[b] += w * c;
    sumOutcome[b] += w * outcome[i];
    total += w;
  }
  for (let b = 0; b < m; b++) {
    s.lower[b] = b / m;
    s.upper[b] = (b + 1) / m;
  }
  s.total = total;
  return s;
}

/**
 * Per-block weighted sums of a sorted column for the bootstrap: entry j of the sorted order belongs to block
 * j >> EQUAL_MASS_BLOCK_SHIFT. The resample's row pass adds each row's weight, weight·value and weight·outcome into
 * its block (sequential reads, a small accumulator), so that an equal-mass walk visits whole blocks and reads single
 * entries (with their weights, out of order) only in the ≤ m − 1 blocks where a group boundary falls.
 */
export interface EqualMassBlocks {
  /** Σ weight, Σ weight·value, Σ weight·outcome per block, at base + block. */
  readonly count: Float64Array;
  readonly sumValue: Float64Array;
  readonly sumOutcome: Float64Array;
  readonly base: number;
}

export const EQUAL_MASS_BLOCK_SHIFT = 9;

/**
 * Equal-mass bin sums of a sample already sorted by value (ascending, ties by row index):
 * `values[j]`, `outcome[j]` belong to row `order[j]`, whose weight is weights[order[j]]. This is the
 * weighted (bootstrap) path; the arrays are pre-permuted so that only the weights are read out of order.
 *
 * With `blocks` (see EqualMassBlocks), a block that lies inside one group is added whole: the groups are the
 * same, their sums the same up to the order of additions (≤ 1e-12 relative); lower/upper are then NaN where
 * a group took a whole block (the bootstrap reads only the errors).
 */
export function equalMassSumsSorted(
  values: Float64Array,
  outcome: Uint8Array,
  order: Int32Array,
  m: number,
  weights: Int32Array | null = null,
  blocks: EqualMassBlocks | null = null,
): BinSums {
  const s = emptySums(m);
  const { count, sumValue, sumOutcome, lower, upper } = s;
  const n = values.length;
  const blockSize = blocks ? 1 << EQUAL_MASS_BLOCK_SHIFT : n;
  const blockCount = blocks ? Math.ceil(n / blockSize) : 1;
  let total = 0;
  if (blocks) for (let b = 0; b < blockCount; b++) total += blocks.count[blocks.base + b];
  else if (weights) for (let j = 0; j < n; j++) total += weights[order[j]];
  else total = n;
  const sizes = groupSizes(total, m);
  // The current group's sums live in locals and are stored when it fills (this loop runs once per
  // class and resample in the bootstrap).
  let g = 0;
  let room = sizes[0];
  let cnt = 0;
  let sv = 0;
  let so = 0;
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < blockCount && g < m; b++) {
    if (blocks) {
      const wb = blocks.count[blocks.base + b];
      if (wb === 0) continue;
      if (wb < room) {
        // the whole block lies inside the current group
        if (cnt === 0) lo = Number.NaN;
        cnt += wb;
        sv += blocks.sumValue[blocks.base + b];
        so += blocks.sumOutcome[blocks.base + b];
        hi = Number.NaN;
        room -= wb;
        continue;
      }
    }
    const end = Math.min(n, (b + 1) * blockSize);
    for (let j = b * blockSize; j < end && g < m; j++) {
      let w = weights ? weights[order[j]] : 1;
      if (w === 0) continue;
      const c = values[j];
      const y = outcome[j];
      if (cnt === 0) lo = c;
      if (w < room) {
        // fast path: every copy of the row fits in the current group (same sums as the loop below)
        cnt += w;
        sv += w * c;
        so += w * y;
        hi = c;
        room -= w;
        continue;
      }
      while (w > 0) {
        if (cnt === 0) lo = c;
        const take = w < room ? w : room;
        cnt += take;
        sv += take * c;
        so += take * y;
        hi = c;
        w -= take;
        room -= take;
        if (room === 0) {
          count[g] = cnt;
          sumValue[g] = sv;
          sumOutcome[g] = so;
          lower[g] = lo;
          upper[g] = hi;
          cnt = sv = so = 0;
          if (++g === m) break;
          room = sizes[g];
          if (room === 0) break; // the remaining groups are empty (N < M), and all weight is used
        }
      }
    }
  }
  // Empty groups (N < M) are the last ones: give them a zero-width position after the last value.
  for (let b = 0; b < m; b++) {
    if (count[b] === 0) {
      const edge = b > 0 ? upper[b - 1] : 0;
      lower[b] = edge;
      upper[b] = edge;
    }
  }
  s.total = total;
  return s;
}

/**
 * Per-range sums of a sorted column under weights laid out in its order (the bootstrap's sorted engine): the column
 * is cut into fixed ranges (end positions `end`), and a resample's pass fills Σw, Σw·value, Σw·outcome per range.
 */
export interface RangeSums {
  readonly end: Int32Array;
  readonly count: Float64Array;
  readonly sumValue: Float64Array;
  readonly sumOutcome: Float64Array;
}

/** Most entries per range of a sorted column: a walk reads single entries only inside the ranges a group boundary cuts. */
export const RANGE_MAX = 64;

/** A sorted column cut into ranges: row id, value and outcome per position (the bootstrap's sorted engine). */
export interface RangedColumn {
  readonly order: Int32Array;
  readonly values: Float64Array;
  readonly outcome: Uint8Array;
  readonly ranges: RangeSums;
}

/**
 * Equal-mass group sums (the groups of equalMassSumsSorted) of ranges [from, to) of a sorted column — its positions
 * starting at `start` — under row-order weights `w` (entry j weighs w[order[j]]), from the range sums already filled:
 * a range that lies inside the current group is added whole; entries are walked only in the ranges where a group
 * ends. The same groups; sums equal up to the order of additions. Writes count/sumValue/sumOutcome of `out` (reused
 * across resamples; edges are not tracked). `total` = Σ weights over those ranges.
 */
export function equalMassSumsOfRanges(
  col: RangedColumn,
  w: Int32Array,
  from: number,
  to: number,
  start: number,
  total: number,
  m: number,
  out: { count: Float64Array; sumValue: Float64Array; sumOutcome: Float64Array },
): void {
  const { count, sumValue, sumOutcome } = out;
  const { order, values, outcome, ranges } = col;
  count.fill(0);
  sumValue.fill(0);
  sumOutcome.fill(0);
  // numpy.array_split sizes (groupSizes): the first total mod m groups get one more.
  const q = Math.floor(total / m);
  const extra = total - q * m;
  let g = 0;
  let room = extra > 0 ? q + 1 : q;
  if (room === 0) return;
  let cnt = 0;
  let sv = 0;
  let so = 0;
  for (let r = from; r < to; r++) {
    const end = ranges.end[r];
    const rc = ranges.count[r];
    if (rc < room) {
      cnt += rc;
      sv += ranges.sumValue[r];
      so += ranges.sumOutcome[r];
      room -= rc;
      start = end;
      continue;
    }
    for (let j = start; j < end; j++) {
      let wj = w[order[j]];
      const c = values[j];
      const y = outcome[j];
      while (wj > 0) {
        const take = wj < room ? wj : room;
        cnt += take;
        sv += take * c;
        so += take * y;
        wj -= take;
        room -= take;
        if (room === 0) {
          count[g] = cnt;
          sumValue[g] = sv;
          sumOutcome[g] = so;
          cnt = sv = so = 0;
          if (++g === m) return;
          room = g < extra ? q + 1 : q;
          if (room === 0) return;
        }
      }
    }
    start = end;
  }
}

/** A sample sorted for equal-mass binning: see equalMassSumsSorted. */
export interface SortedSample {
  readonly order: Int32Array;
  readonly values: Float64Array;
  readonly outcome: Uint8Array;
}

export function sortSample(values: Float64Array, outcome: Uint8Array): SortedSample {
  const order = stableArgsort(values);
  const n = values.length;
  const sv = new Float64Array(n);
  const so = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    sv[j] = values[order[j]];
    so[j] = outcome[order[j]];
  }
  return { order, values: sv, outcome: so };
}

/**
 * Equal-mass bin sums without sorting every row (the unweighted fast path; same groups as
 * equalMassSumsByOrder with a stable order). Values are bucketed monotonically; a bucket whose ranks
 * all fall in one group is added to it wholesale, and only the few buckets straddling a group
 * boundary are sorted (stably) to split them exactly.
 */
export function equalMassSums(values: Float64Array, outcome: Uint8Array, m: number): BinSums {
  const n = values.length;
  const s = emptySums(m);
  const { count, sumValue, sumOutcome, lower, upper } = s;
  s.total = n;
  if (n === 0) return s;
  const { key, count: nb } = bucketize(values, 1 << 16);
  const start = new Int32Array(nb + 1);
  for (let i = 0; i < n; i++) start[key[i] + 1]++;
  for (let b = 0; b < nb; b++) start[b + 1] += start[b];
  // Group of each rank: groups are contiguous rank ranges [end[g−1], end[g]).
  const sizes = groupSizes(n, m);
  const end = new Float64Array(m);
  let acc = 0;
  for (let g = 0; g < m; g++) end[g] = acc += sizes[g];
  const groupOf = new Int32Array(nb); // ≥ 0: every rank of the bucket is in that group; −1: straddles
  let g = 0;
  let straddling = 0;
  for (let b = 0; b < nb; b++) {
    const first = start[b];
    const last = start[b + 1] - 1;
    if (last < first) continue;
    while (end[g] <= first) g++;
    if (last < end[g]) groupOf[b] = g;
    else {
      groupOf[b] = -1;
      straddling += last - first + 1;
    }
  }
  const minV = new Float64Array(m).fill(Infinity);
  const maxV = new Float64Array(m).fill(-Infinity);
  const pending = new Int32Array(straddling);
  const fill = new Int32Array(nb);
  let offset = 0;
  for (let b = 0; b < nb; b++) {
    if (groupOf[b] < 0) {
      fill[b] = offset;
      offset += start[b + 1] - start[b];
    }
  }
  for (let i = 0; i < n; i++) {
    const b = key[i];
    const gi = groupOf[b];
    const v = values[i];
    if (gi >= 0) {
      count[gi]++;
      sumValue[gi] += v;
      sumOutcome[gi] += outcome[i];
      if (v < minV[gi]) minV[gi] = v;
      if (v > maxV[gi]) maxV[gi] = v;
    } else pending[fill[b]++] = i;
  }
  // Straddling buckets, in bucket order: sort each by value (ties by index) and deal ranks to groups.
  let pos = 0;
  g = 0;
  for (let b = 0; b < nb; b++) {
    if (groupOf[b] >= 0) continue;
    const len = start[b + 1] - start[b];
    if (len === 0) continue;
    sortRange(pending, values, pos, pos + len);
    let rank = start[b];
    for (let j = pos; j < pos + len; j++, rank++) {
      while (end[g] <= rank) g++;
      const i = pending[j];
      const v = values[i];
      count[g]++;
      sumValue[g] += v;
      sumOutcome[g] += outcome[i];
      if (v < minV[g]) minV[g] = v;
      if (v > maxV[g]) maxV[g] = v;
    }
    pos += len;
  }
  for (let b = 0; b < m; b++) {
    if (count[b] > 0) {
      lower[b] = minV[b];
      upper[b] = maxV[b];
    } else {
      const edge = b > 0 ? upper[b - 1] : 0;
      lower[b] = edge;
      upper[b] = edge;
    }
  }
  return s;
}
