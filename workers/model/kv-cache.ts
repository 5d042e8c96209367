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

function tile(t: ort.Tensor, times: number): ort.Tensor {
  const dims = [t.dims[0] * times, ...t.dims.slice(1)];
  const data = t.data;
  if (data instanceof Float32Array) {
    const out = new Float32Array(data.length * times);
    for (let i = 0; i < times; i++) out.set(data, i * data.length);
    return new ort.Tensor("float32", out, dims);
  }
  if (data instanceof Uint16Array) {
    const out = new Uint16Array(data.length * times);
    for (let i = 0; i < times; i++) out.set(data, i * data.length);
    return new ort.Tensor("float16", out, dims);
  }
  throw new Error(`cannot expand a KV cache tensor of type ${t.type}`);
}

/** Repeats a batch-1 cache `times` times along the batch axis (a copy: onnxruntime has no broadcasting feed). */
export function expandKvCache(cache: KvCache, times: number): KvCache {
  if (cache.batch !== 1) throw new Error(`only a batch-1 KV cache can be expanded (batch ${cache.batch})`);
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(cache.tensors)) tensors[name] = tile(t, times);
  return { batch: times, length: cache.length, tensors };
}
