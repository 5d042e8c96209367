/**
 * Softmax for log-probabilities and logits. The maximum is subtracted first so that exp() never
 * overflows (logits of 1000 are fine) and the largest term is exactly exp(0) = 1.
 */

/**
 * Writes softmax(src) into dst[offset .. offset + src.length). −Infinity entries (log 0) are allowed and
 * give probability 0. Returns null on success, or a description of the problem: NaN, +Infinity, or
 * every entry −Infinity.
 */
export function softmaxInto(src: ArrayLike<number>, dst: Float64Array, offset: number): string | null {
  const k = src.length;
  let max = -Infinity;
  for (let j = 0; j < k; j++) {
    const v = src[j];
    if (typeof v !== "number" || Number.isNaN(v)) return `entry ${j} is not a number`;
    if (v === Infinity) return `entry ${j} is +Infinity`;
    if (v > max) max = v;
  }
  if (max === -Infinity) return "every entry is -Infinity (no option has positive probability)";
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const e = Math.exp(src[j] - max);
    dst[offset + j] = e;
    sum += e;
  }
  for (let j = 0; j < k; j++) dst[offset + j] /= sum;
  return null;
}

/** Convenience: softmax of one row as a new array. Throws on invalid input. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const out = new Float64Array(logits.length);
  const problem = softmaxInto(logits, out, 0);
  if (problem) throw new RangeError(`softmax: ${problem}`);
  return out;
}

/** Convenience for option scores held in plain arrays (importers, the worker): softmax as a number[]. */
export function softmaxArray(xs: readonly number[]): number[] {
  return Array.from(softmax(xs));
}

/** Index of the largest value; the first one on ties (as numpy.argmax and lm-evaluation-harness do). */
export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
