/**
 * A KV cache as onnxruntime tensors keyed by the model's past_key_values input names, so a cache read from
 * one run's `present.*` outputs can be fed straight back. Expanding a batch-1 cache to batch K is what lets
 * the continuation scorer run a shared prompt once and all K options in one batch.
 */
import * as ort from "onnxruntime-node";
import type { SessionIo } from "./io";

export interface KvCache {
  batch: number;
  /** Cached positions (the past length). */
  length: number;
  /** past_key_values.{i}.key / .value → [batch, kv heads, length, head dim]. */
  tensors: Record<string, ort.Tensor>;
}

/** A zero-length cache: what a "with past" export takes when there is no past. */
export function emptyKvCache(io: SessionIo, batch: number): KvCache {
  const tensors: Record<string, ort.Tensor> = {};
  const dims = [batch, io.kvHeads, 0, io.headDim];
  for (const l of io.layers) {
    for (const name of [l.key, l.value]) {
      tensors[name] = io.pastType === "float16" ? new ort.Tensor("float16", new Uint16Array(0), dims) : new ort.Tensor("float32", new Float32Array(0), dims);
    }
  }
  return { batch, length: 0, tensors };
}

/** The cache returned by a run, renamed from present.* to the past_key_values.* inputs it will feed. */
export function kvCacheFromOutputs(io: SessionIo, outputs: Record<string, ort.Tensor>): KvCache {
  const tensors: Record<string, ort.Tensor> = {};
  for (const l of io.layers) {
    tensors[l.key] = outputs[l.presentKey];
    tensors[l.value] = outputs[l.presentValue];
  }
  const dims = tensors[io.layers[0].key].dims;
  return { batch: dims[0], length: dims[2], tensors };
}

type KvData = Float32Array | Uint16Array;

/**
 * Buffers for expanded caches, reused from one question to the next. An expanded cache is K copies of the prompt's
 * cache (several MB per question for a small model); allocating it fresh every time made V8 run a full collection
 * every other question (external memory pressure), ~4 ms each on the CPU worker. A lease holds one set of buffers
 * for one pass; concurrent passes get different sets. Buffers handed to another thread (a session in its own thread
 * detaches them) are simply not reused.
 */
export class KvBufferPool {
  private readonly free: Map<string, KvData>[] = [];

  async lease<T>(withBuffers: (take: (name: string, like: KvData, length: number) => KvData) => Promise<T>): Promise<T> {
    const set = this.free.pop() ?? new Map<string, KvData>();
    const take = (name: string, like: KvData, length: number): KvData => {
      let buffer = set.get(name);
      const usable = buffer && buffer.buffer.byteLength > 0 && buffer.constructor === like.constructor && buffer.length >= length;
      if (!usable) {
        // Room for prompts a little longer than this one, so a split's varying lengths settle on one allocation.
        const capacity = Math.ceil(length * 1.25);
        buffer = like instanceof Float32Array ? new Float32Array(capacity) : new Uint16Array(capacity);
        set.set(name, buffer);
      }
      return buffer!.subarray(0, length);
    };
    try {
      return await withBuffers(take);
    } finally {
      for (const [name, buffer] of set) if (buffer.buffer.byteLength === 0) set.delete(name);
      this.free.push(set);
    }
  }
}

function tile(t: ort.Tensor, times: number, into?: (like: KvData, length: number) => KvData): ort.Tensor {
  const dims = [t.dims[0] * times, ...t.dims.slice(1)];
  const data = t.data;
  if (!(data instanceof Float32Array) && !(data instanceof Uint16Array)) throw new Error(`cannot expand a KV cache tensor of type ${t.type}`);
  const out = into ? into(data, data.length * times) : data instanceof Float32Array ? new Float32Array(data.length * times) : new Uint16Array(data.length * times);
  for (let i = 0; i < times; i++) out.set(data, i * data.length);
  return data instanceof Float32Array ? new ort.Tensor("float32", out as Float32Array, dims) : new ort.Tensor("float16", out as Uint16Array, dims);
}

/**
 * Repeats a batch-1 cache `times` times along the batch axis (a copy: onnxruntime has no broadcasting feed).
 * With `take` (a KvBufferPool lease) the copies go into reused buffers, valid until the lease ends.
 */
export function expandKvCache(cache: KvCache, times: number, take?: (name: string, like: KvData, length: number) => KvData): KvCache {
  if (cache.batch !== 1) throw new Error(`only a batch-1 KV cache can be expanded (batch ${cache.batch})`);
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(cache.tensors)) tensors[name] = tile(t, times, take && ((like, length) => take(name, like, length)));
  return { batch: times, length: cache.length, tensors };
}
