/**
 * Stable argsort of non-negative doubles, ties kept in input order — the order that equal-mass
 * binning is defined on.
 *
 * A comparator sort of a million indices takes ~0.5 s in V8; this is a bucket sort on the high bits of
 * the IEEE-754 pattern instead. For non-negative doubles the bit pattern read as an unsigned integer
 * orders exactly like the value, so bucketing by its top bits is monotone; indices are scattered into
 * buckets in input order (stable), and each bucket — a few entries on typical data — is finished by
 * value with a stable insertion sort (or V8's stable TimSort for large buckets, which is linear on the
 * runs of equal values that heavy ties produce).
 */

const MAX_BUCKETS = 1 << 18;

export interface Buckets {
  /** Bucket of each value; buckets are ordered like the values they hold. */
  readonly key: Int32Array;
  /** Number of buckets. */
  readonly count: number;
}

/**
 * Monotone bucketing of non-negative doubles: value a < b implies bucket(a) ≤ bucket(b). The bucket
 * is the high word of the IEEE pattern minus the smallest one, shifted right until at most
 * `maxBuckets` buckets remain — a log-scale resolution that spreads probabilities near 0 as well as
 * confidences near 1.
 */
export function bucketize(values: Float64Array, maxBuckets: number): Buckets {
  const n = values.length;
  const hi = highWords(values);
  let minKey = 0xffffffff;
  let maxKey = 0;
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    if (h < minKey) minKey = h;
    if (h > maxKey) maxKey = h;
  }
  if (n === 0) minKey = maxKey = 0;
  let shift = 0;
  while ((maxKey - minKey) >>> shift >= maxBuckets) shift++;
  const key = new Int32Array(hi.buffer, hi.byteOffset, n); // reuse the buffer: key[i] is read after hi[i]
  for (let i = 0; i < n; i++) key[i] = (hi[i] - minKey) >>> shift;
  return { key, count: ((maxKey - minKey) >>> shift) + 1 };
}

/** Returns the indices 0..n−1 sorted by values[i] ascending, ties by index. Values must be ≥ 0 (not −0). */
export function stableArgsort(values: Float64Array): Int32Array {
  const n = values.length;
  const order = new Int32Array(n);
  if (n === 0) return order;
  const { key, count: buckets } = bucketize(values, MAX_BUCKETS);
  const start = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) start[key[i] + 1]++;
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
  const fill = start.slice(0, buckets);
  for (let i = 0; i < n; i++) order[fill[key[i]]++] = i;
  for (let b = 0; b < buckets; b++) sortRange(order, values, start[b], start[b + 1]);
  return order;
}

/** Sorts order[lo..hi) by value, stably (the indices arrive in ascending order). */
export function sortRange(order: Int32Array, values: Float64Array, lo: number, hi: number): void {
  const len = hi - lo;
  if (len < 2) return;
  if (len <= 48) insertionSort(order, values, lo, hi);
  else {
    const part = Array.from(order.subarray(lo, hi));
    part.sort((a, c) => values[a] - values[c] || a - c);
    order.set(part, lo);
  }
}

/** The high 32 bits (sign, exponent, top 20 mantissa bits) of each double, as unsigned integers. */
function highWords(values: Float64Array): Uint32Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const out = new Uint32Array(values.length);
  const hiIndex = littleEndian ? 1 : 0;
  for (let i = 0; i < values.length; i++) out[i] = words[2 * i + hiIndex];
  return out;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function insertionSort(order: Int32Array, values: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const idx = order[i];
    const v = values[idx];
    let j = i - 1;
    // Strict ">" keeps equal values in index order (indices arrive ascending from the scatter).
    while (j >= lo && values[order[j]] > v) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = idx;
  }
}
