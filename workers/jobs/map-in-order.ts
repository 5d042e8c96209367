/**
 * Maps over items with up to `depth` calls in flight, results in input order. The evaluation job scores
 * continuation questions two at a time: while one question's forward pass runs in the session thread, the other is
 * tokenised, has its KV cache expanded or its log-probabilities gathered on the main thread.
 * On a failure no new call starts, the ones in flight are waited for, and the first error is thrown.
 */
export async function mapInOrder<T, R>(items: readonly T[], depth: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(depth, items.length)) }, lane));
  const error = lanes.find((l): l is PromiseRejectedResult => l.status === "rejected");
  if (error) throw error.reason;
  return out;
}
