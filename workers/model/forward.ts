/**
 * One forward pass over a padded batch. The caller builds input ids, attention mask and position ids (it
 * knows the padding side); this file only turns them into tensors, supplies the empty or given KV cache, and
 * asks onnxruntime for nothing but the logits unless the cache is wanted (the present.* outputs of a real
 * model are large, and copying them out of onnxruntime costs time).
 */
import * as ort from "onnxruntime-node";
import type { SessionIo } from "./io";
import type { SessionLike } from "./session";
import { float16ToFloat32 } from "./float16";
import { emptyKvCache, kvCacheFromOutputs, type KvCache } from "./kv-cache";

export interface ForwardBatch {
  batch: number;
  /** New tokens per row (all rows padded to the same length). */
  seq: number;
  /** batch × seq token ids, row-major. */
  inputIds: BigInt64Array;
  /** batch × (past length + seq): 1 for real tokens (cached ones included), 0 for padding. */
  attentionMask: BigInt64Array;
  /** batch × seq; ignored by exports without a position_ids input (they count positions themselves). */
  positionIds: BigInt64Array;
  /** Cached prefix of every row; must have this batch size. Omit for no past (an empty cache is fed). */
  past?: KvCache;
}

export interface ForwardOptions {
  /** Return the updated KV cache (present.* outputs); only for exports with past inputs. */
  keepCache?: boolean;
}

/**
 * A pass run only for its KV cache (a prompt prefix whose logits nobody reads): the logits are not fetched, which
 * spares copying batch × seq × vocab floats out of onnxruntime and collecting them afterwards.
 */
export interface CacheOnlyOptions {
  cacheOnly: true;
}

export interface ForwardResult {
  /** batch × seq × vocab, row-major. */
  logits: Float32Array;
  vocab: number;
  /** The cache after this pass (past + seq positions), when keepCache was asked. */
  cache?: KvCache;
}

export interface ForwardFn {
  (batch: ForwardBatch, opts: CacheOnlyOptions): Promise<{ cache: KvCache }>;
  (batch: ForwardBatch, opts?: ForwardOptions): Promise<ForwardResult>;
}

export function makeForward(session: SessionLike, io: SessionIo): ForwardFn {
  const hasPast = io.layers.length > 0;
  const forward = async (b: ForwardBatch, opts: ForwardOptions & Partial<CacheOnlyOptions> = {}): Promise<ForwardResult | { cache: KvCache }> => {
    const cacheOnly = opts.cacheOnly === true;
    const keepCache = cacheOnly || opts.keepCache === true;
    const pastLength = b.past?.length ?? 0;
    if (b.inputIds.length !== b.batch * b.seq) throw new Error(`input_ids has ${b.inputIds.length} values, expected ${b.batch}×${b.seq}`);
    if (b.attentionMask.length !== b.batch * (pastLength + b.seq)) throw new Error(`attention_mask has ${b.attentionMask.length} values, expected ${b.batch}×${pastLength + b.seq}`);
    if (b.past && !hasPast) throw new Error("this model has no past_key_values inputs: it cannot take a KV cache");
    if (b.past && b.past.batch !== b.batch) throw new Error(`KV cache batch ${b.past.batch} differs from input batch ${b.batch}`);
    if (keepCache && !hasPast) throw new Error("this model has no present.* outputs: it cannot return a KV cache");

    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", b.inputIds, [b.batch, b.seq]),
      attention_mask: new ort.Tensor("int64", b.attentionMask, [b.batch, pastLength + b.seq]),
    };
    if (io.hasPositionIds) feeds.position_ids = new ort.Tensor("int64", b.positionIds, [b.batch, b.seq]);
    if (io.hasUseCacheBranch) feeds.use_cache_branch = new ort.Tensor("bool", Uint8Array.of(pastLength > 0 ? 1 : 0), [1]);
    if (hasPast) Object.assign(feeds, (b.past ?? emptyKvCache(io, b.batch)).tensors);

    const presents = keepCache ? io.layers.flatMap((l) => [l.presentKey, l.presentValue]) : [];
    const fetches = cacheOnly ? presents : [io.logitsName, ...presents];
    // Every feed here was built for this pass (ids, masks, an expanded or empty cache): hand the buffers over.
    const out = await session.run(feeds, fetches, { transferInputs: true });
    if (cacheOnly) return { cache: kvCacheFromOutputs(io, out) };
    const logits = out[io.logitsName];
    let data: Float32Array;
    if (logits.data instanceof Float32Array) data = logits.data;
    // A float16 export's logits, widened once here: everything downstream reads float32.
    else if (logits.type === "float16" && logits.data instanceof Uint16Array) data = float16ToFloat32(logits.data);
    else throw new Error(`logits of type ${logits.type} are not supported (export the model in float32 or float16)`);
    return {
      logits: data,
      vocab: logits.dims[2],
      ...(keepCache ? { cache: kvCacheFromOutputs(io, out) } : {}),
    };
  };
  return forward as ForwardFn;
}
