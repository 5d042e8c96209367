/**
 * Growth for typed arrays used as append-only columns in per-row loops (an imported row, a stored question, a
 * prediction read back). Appending to a plain JS array cost 60–75 ns per element once it held ~100k elements (Node 20:
 * the array lives in old space, so each store of a young value goes through the write barrier, and growth copies);
 * a typed array store costs a few ns and hands its values over without another copy.
 */
export type TypedArray = Int8Array | Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** `a` itself when it holds `need` elements, else a copy with room for max(need, 2 × length) (zeros after a's). */
export function grown<T extends TypedArray>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a as never);
  return b;
}
