/** Numerics in float64: onnxruntime gives float32 logits, but sums over a vocabulary want doubles. */

/** log-softmax of one logits row (`vocab` values from `offset`) at the given token ids. */
export function logSoftmaxAt(logits: Float32Array, offset: number, vocab: number, ids: readonly number[]): number[] {
  let max = -Infinity;
  for (let i = offset; i < offset + vocab; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = offset; i < offset + vocab; i++) sum += Math.exp(logits[i] - max);
  const lse = max + Math.log(sum);
  return ids.map((id) => {
    if (id < 0 || id >= vocab) throw new Error(`token id ${id} outside the logits (vocabulary ${vocab})`);
    return logits[offset + id] - lse;
  });
}

export function softmax(xs: readonly number[]): number[] {
  const max = Math.max(...xs);
  const exps = xs.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
