/**
 * Isotonic regression of correctness on confidence (Zadrozny & Elkan 2002, "Transforming classifier
 * scores into accurate multiclass probability estimates", KDD), fitted with the pool-adjacent-violators
 * algorithm (PAV; Ayer et al. 1955): the non-decreasing step function g minimising Σ (y_i − g(c_i))² over
 * the fitting rows. Rows with equal confidence are pooled first (they must share one value). Apply:
 * a new confidence c takes the value of the last fitted block whose smallest confidence is ≤ c (the
 * first block below the fitted range) — a step function, not sklearn's linear interpolation.
 */
import { stableArgsort } from "../sort";

export interface IsotonicMap {
  /** Smallest fitted confidence of each block, ascending. */
  lower: Float64Array;
  /** Fitted value of each block (non-decreasing). */
  value: Float64Array;
}

export function fitIsotonic(confidence: Float64Array, correct: Uint8Array, rows: ArrayLike<number>): IsotonicMap {
  const n = rows.length;
  if (n === 0) throw new RangeError("fitIsotonic: no rows to fit on");
  const c = new Float64Array(n);
  for (let r = 0; r < n; r++) c[r] = confidence[rows[r]];
  const order = stableArgsort(c);
  return fitIsotonicSorted(confidence, correct, Int32Array.from(order, (o) => rows[o]));
}

/**
 * PAV over rows already in ascending order of confidence (the order of tied rows does not matter: a tie is
 * pooled first, by an exact integer count). Cross-validation sorts once and filters per fit (crossval.ts).
 */
export function fitIsotonicSorted(confidence: Float64Array, correct: Uint8Array, sorted: ArrayLike<number>): IsotonicMap {
  const n = sorted.length;
  if (n === 0) throw new RangeError("fitIsotonic: no rows to fit on");
  // Blocks as a stack: start confidence, weight (rows), mean.
  const lower: number[] = [];
  const weight: number[] = [];
  const mean: number[] = [];
  for (let j = 0; j < n; ) {
    const x = confidence[sorted[j]];
    let w = 0;
    let s = 0;
    for (; j < n && confidence[sorted[j]] === x; j++) {
      w++;
      s += correct[sorted[j]];
    }
    lower.push(x);
    weight.push(w);
    mean.push(s / w);
    // Pool while the last two blocks violate monotonicity.
    while (mean.length > 1 && mean[mean.length - 2] >= mean[mean.length - 1]) {
      const w2 = weight.pop() as number;
      const m2 = mean.pop() as number;
      lower.pop();
      const k = mean.length - 1;
      mean[k] = (mean[k] * weight[k] + m2 * w2) / (weight[k] + w2);
      weight[k] += w2;
    }
  }
  return { lower: Float64Array.from(lower), value: Float64Array.from(mean) };
}

export function applyIsotonic(map: IsotonicMap, c: number): number {
  const { lower, value } = map;
  let lo = 0;
  let hi = lower.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lower[mid] <= c) lo = mid;
    else hi = mid - 1;
  }
  return value[lo];
}
