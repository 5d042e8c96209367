import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { expandKvCache, KvBufferPool, type KvCache } from "./kv-cache";

function cache(values: number[]): KvCache {
  const t = (offset: number) => new ort.Tensor("float32", Float32Array.from(values, (v) => v + offset), [1, 1, values.length, 1]);
  return { batch: 1, length: values.length, tensors: { "past_key_values.0.key": t(0), "past_key_values.0.value": t(100) } };
}

describe("expandKvCache", () => {
  it("repeats a batch-1 cache along the batch axis", () => {
    const x = expandKvCache(cache([1, 2, 3]), 3);
    expect(x.batch).toBe(3);
    expect(x.tensors["past_key_values.0.key"].dims).toEqual([3, 1, 3, 1]);
    expect([...(x.tensors["past_key_values.0.value"].data as Float32Array)]).toEqual([101, 102, 103, 101, 102, 103, 101, 102, 103]);
  });

  it("refuses a cache of batch > 1", () => {
    expect(() => expandKvCache(expandKvCache(cache([1]), 2), 2)).toThrow("only a batch-1");
  });
});

describe("KvBufferPool", () => {
  const dataOf = (c: KvCache) => c.tensors["past_key_values.0.key"].data as Float32Array;

  it("reuses one lease's buffers in the next, for caches up to their capacity", async () => {
    const pool = new KvBufferPool();
    const first = await pool.lease(async (take) => dataOf(expandKvCache(cache([1, 2, 3, 4]), 4, take)));
    const second = await pool.lease(async (take) => {
      const c = expandKvCache(cache([5, 6, 7]), 4, take);
      expect([...dataOf(c)]).toEqual([5, 6, 7, 5, 6, 7, 5, 6, 7, 5, 6, 7]);
      return dataOf(c);
    });
    expect(second.buffer).toBe(first.buffer);
    // Larger than the capacity: a new buffer.
    const third = await pool.lease(async (take) => dataOf(expandKvCache(cache(Array.from({ length: 40 }, (_, i) => i)), 4, take)));
    expect(third.buffer).not.toBe(first.buffer);
  });

  it("gives leases held at the same time different buffers", async () => {
    const pool = new KvBufferPool();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let a!: Float32Array;
    const outer = pool.lease(async (take) => {
      a = dataOf(expandKvCache(cache([1, 2]), 2, take));
      await held;
    });
    const b = await pool.lease(async (take) => dataOf(expandKvCache(cache([3, 4]), 2, take)));
    expect(b.buffer).not.toBe(a.buffer);
    expect([...a]).toEqual([1, 2, 1, 2]);
    release();
    await outer;
  });

  it("does not reuse a buffer handed to another thread (detached)", async () => {
    const pool = new KvBufferPool();
    const first = await pool.lease(async (take) => {
      const d = dataOf(expandKvCache(cache([1, 2]), 2, take));
      structuredClone(d.buffer, { transfer: [d.buffer] });
      return d;
    });
    const second = await pool.lease(async (take) => dataOf(expandKvCache(cache([1, 2]), 2, take)));
    expect(first.buffer.byteLength).toBe(0);
    expect([...second]).toEqual([1, 2, 1, 2]);
  });
});
