/**
 * Classwise calibration errors (Nixon et al. 2019): every option k is a binary "is the gold answer k"
 * forecast with probability p_k, and its calibration is measured over the rows that have option k.
 *
 * Variable K: class k runs over the rows with at least k+1 options, and N is replaced by that row count
 * N_k; the outer average is over K = the largest option count of the set. (With bootstrap weights, K
 * is the largest option count among rows of non-zero weight — the K of the expanded resample.)
 */
import { type BinSums, equalMassSums, equalMassSumsSorted, type SortedSample, sortSample } from "./binning";
import type { LabelledSet } from "./input";

/**
 * SCE (static calibration error) = (1/K) Σ_k Σ_m (n_mk/N_k)·|acc_mk − conf_mk|, over M equal-width bins
 * of p_k: bin(p) = min(floor(p·M), M−1); acc_mk = share of the bin's rows whose gold is k, conf_mk = mean
 * p_k in the bin. Empty bins contribute nothing.
 */
export function staticCalibrationError(set: LabelledSet, m: number, weights: Int32Array | null = null): number {
  const K = set.maxK;
  const cnt = new Float64Array(K * m);
  const sumP = new Float64Array(K * m);
  const sumY = new Float64Array(K * m);
  const { offsets, probs, labels } = set;
  for (let i = 0; i < set.n; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    const start = offsets[i];
    const end = offsets[i + 1];
    const gold = start + labels[i];
    for (let j = start; j < end; j++) {
      const p = probs[j];
      // equalWidthBin(p, m), inlined: this loop runs N·K times.
      let bin = Math.floor(p * m);
      if (bin >= m) bin = m - 1;
      const cell = (j - start) * m + bin;
      cnt[cell] += w;
      sumP[cell] += w * p;
      if (j === gold) sumY[cell] += w;
    }
  }
  let total = 0;
  let present = 0;
  for (let k = 0; k < K; k++) {
    let nk = 0;
    let gaps = 0;
    for (let b = k * m; b < (k + 1) * m; b++) {
      nk += cnt[b];
      // (n_mk/N_k)·|acc − conf| = |Σy − Σp| / N_k
      gaps += Math.abs(sumY[b] - sumP[b]);
    }
    if (nk > 0) {
      total += gaps / nk;
      present++;
    }
  }
  return total / present;
}

/** Per class k: p_k and [gold = k] of the rows having option k, gathered in row order (`rows` = row ids). */
export interface ClassColumn {
  readonly rows: Int32Array | null; // null when every row has option k (ids = 0..N−1)
  readonly values: Float64Array;
  readonly gold: Uint8Array;
}

export function classColumn(set: LabelledSet, k: number): ClassColumn {
  const { offsets, probs, labels, n } = set;
  const all = offsets[n] === n * set.maxK; // fixed K: every row has every option
  let nk = n;
  if (!all) {
    nk = 0;
    for (let i = 0; i < n; i++) if (offsets[i + 1] - offsets[i] > k) nk++;
  }
  const rows = all ? null : new Int32Array(nk);
  const values = new Float64Array(nk);
  const gold = new Uint8Array(nk);
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (all || offsets[i + 1] - offsets[i] > k) {
      if (rows) rows[j] = i;
      values[j] = probs[offsets[i] + k];
      gold[j] = labels[i] === k ? 1 : 0;
      j++;
    }
  }
  return { rows, values, gold };
}

/** For each class k, its column sorted by p_k (ties by row), `order` holding row ids: the bootstrap's walk order. */
export type ClassOrders = SortedSample[];

export function classOrders(set: LabelledSet): ClassOrders {
  const out: SortedSample[] = [];
  for (let k = 0; k < set.maxK; k++) {
    const col = classColumn(set, k);
    const sorted = sortSample(col.values, col.gold);
    if (col.rows) {
      const ids = col.rows;
      const order = sorted.order;
      for (let j = 0; j < order.length; j++) order[j] = ids[order[j]];
    }
    out.push(sorted);
  }
  return out;
}

/**
 * ACE (adaptive calibration error) = (1/(K·R)) Σ_k Σ_r |acc_rk − conf_rk|, over R equal-mass ranges of
 * p_k (sorted ascending, ties by row order, sizes as numpy.array_split). Empty ranges (N_k < R)
 * contribute 0 but the normaliser stays K·R.
 *
 * Unweighted, the ranges are found by bucketing (no full sort); with weights (bootstrap) the cached
 * sorted columns `orders` are walked.
 */
export function adaptiveCalibrationError(
  set: LabelledSet,
  r: number,
  orders: ClassOrders | null = null,
  weights: Int32Array | null = null,
): number {
  const K = set.maxK;
  let total = 0;
  let present = 0; // classes with rows (of non-zero weight): K of the (expanded) sample
  if (weights) orders ??= classOrders(set);
  for (let k = 0; k < K; k++) {
    let s: BinSums;
    if (orders) {
      const o = orders[k];
      s = equalMassSumsSorted(o.values, o.outcome, o.order, r, weights);
    } else {
      const col = classColumn(set, k);
      s = equalMassSums(col.values, col.gold, r);
    }
    if (s.total === 0) continue;
    present++;
    for (let g = 0; g < r; g++) if (s.count[g] > 0) total += Math.abs(s.sumOutcome[g] - s.sumValue[g]) / s.count[g];
  }
  return total / (present * r);
}
