/**
 * Histogram binning (Zadrozny & Elkan 2001, "Obtaining calibrated probability estimates from decision
 * trees and naive Bayesian classifiers", ICML), applied to the top-label confidence as in Guo et al.
 * (2017, §4.1): the fitting rows, sorted by confidence, are cut into M equal-mass groups (numpy
 * array_split sizes, as the project's equal-mass binning: binning.ts groupSizes); each group's
 * calibrated value θ_m is its share of right answers. A new confidence c maps to θ of the first group
 * whose largest fitted confidence is ≥ c (the last group beyond). Default M = 15. The argmax, hence
 * accuracy, is unchanged; only the confidence is replaced.
 */
import { groupSizes } from "../binning";
import { stableArgsort } from "../sort";

export const DEFAULT_HISTOGRAM_BINS = 15;

export interface HistogramMap {
  /** Largest fitted confidence of each non-empty group, ascending. */
  upper: Float64Array;
  /** Share correct of each group. */
  value: Float64Array;
}

export function fitHistogram(confidence: Float64Array, correct: Uint8Array, rows: ArrayLike<number>, bins = DEFAULT_HISTOGRAM_BINS): HistogramMap {
  const n = rows.length;
  if (n === 0) throw new RangeError("fitHistogram: no rows to fit on");
  const c = new Float64Array(n);
  for (let r = 0; r < n; r++) c[r] = confidence[rows[r]];
  const order = stableArgsort(c);
  const sizes = groupSizes(n, bins);
  const groups = Math.min(bins, n);
  const upper = new Float64Array(groups);
  const value = new Float64Array(groups);
  let j = 0;
  for (let g = 0; g < groups; g++) {
    let right = 0;
    for (let s = 0; s < sizes[g]; s++, j++) right += correct[rows[order[j]]];
    upper[g] = c[order[j - 1]];
    value[g] = right / sizes[g];
  }
  return { upper, value };
}

export function applyHistogram(map: HistogramMap, c: number): number {
  const { upper, value } = map;
  let lo = 0;
  let hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (upper[mid] >= c) hi = mid;
    else lo = mid + 1;
  }
  return value[lo];
}
