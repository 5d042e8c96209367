/**
 * Expected scores computed independently of the scorers: the ONNX session is driven directly, one unpadded
 * sequence at a time, with hand-built tensors. With a KV-cache export every forward feeds exactly one token
 * (the cache grows by one each step); without one, every prediction recomputes its full prefix. Log-softmax and
 * softmax are re-implemented here in float64. Nothing here batches, pads, expands a cache or reuses a scorer.
 */
import * as ort from "onnxruntime-node";
import type { LoadedModel } from "../../workers/model";
import { float16ToFloat32 } from "../../workers/model/float16";

const ids64 = (ids: readonly number[]) => BigInt64Array.from(ids.map((i) => BigInt(i)));

/** Logits as float32 (a float16 export's are widened; that is the only conversion here). */
const floats = (t: ort.Tensor): Float32Array => (t.type === "float16" ? float16ToFloat32(t.data as Uint16Array) : (t.data as Float32Array));

function logSoftmax(row: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(row, (v) => v - lse);
}

export function referenceSoftmax(xs: readonly number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Distributions over the next token, one per prefix: `predict(n)` is the row after the first n tokens. */
interface Stepper {
  /** Raw logits row after consuming `tokens` (appended to what was fed before). */
  feed(tokens: readonly number[]): Promise<Float32Array>;
}

/** KV-cache stepper: one token per forward, growing the cache by hand. */
function cacheStepper(model: LoadedModel, startPast?: Record<string, ort.Tensor>, startLength = 0): Stepper & { snapshot(): { past: Record<string, ort.Tensor>; length: number } } {
  const layers = model.io.layers;
  let past: Record<string, ort.Tensor> = startPast ?? {};
  let length = startLength;
  if (!startPast) {
    const dims = [1, model.io.kvHeads, 0, model.io.headDim];
    const empty = () => (model.io.pastType === "float16" ? new ort.Tensor("float16", new Uint16Array(0), dims) : new ort.Tensor("float32", new Float32Array(0), dims));
    for (const l of layers) {
      past[l.key] = empty();
      past[l.value] = empty();
    }
  }
  let last: Float32Array = new Float32Array(0);
  return {
    async feed(tokens) {
      for (const t of tokens) {
        const feeds: Record<string, ort.Tensor> = {
          input_ids: new ort.Tensor("int64", ids64([t]), [1, 1]),
          attention_mask: new ort.Tensor("int64", new BigInt64Array(length + 1).fill(1n), [1, length + 1]),
          position_ids: new ort.Tensor("int64", ids64([length]), [1, 1]),
          ...past,
        };
        const out = await model.session.run(feeds);
        last = floats(out.logits as ort.Tensor);
        past = {};
        for (const l of layers) {
          past[l.key] = out[l.presentKey] as ort.Tensor;
          past[l.value] = out[l.presentValue] as ort.Tensor;
        }
        length++;
      }
      return last;
    },
    snapshot: () => ({ past, length }),
  };
}

/** Full-prefix stepper: every call recomputes the whole sequence so far (batch 1, no padding). */
function prefixStepper(model: LoadedModel, start: readonly number[] = []): Stepper {
  const seq = [...start];
  return {
    async feed(tokens) {
      seq.push(...tokens);
      const n = seq.length;
      const out = await model.session.run({
        input_ids: new ort.Tensor("int64", ids64(seq), [1, n]),
        attention_mask: new ort.Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]),
        position_ids: new ort.Tensor("int64", ids64(seq.map((_, i) => i)), [1, n]),
      });
      const logits = out.logits as ort.Tensor;
      const vocab = logits.dims[2];
      return floats(logits).slice((n - 1) * vocab, n * vocab);
    },
  };
}

/** Letter method: raw logits and log-probabilities of the letter tokens after the prompt. */
export async function referenceLetter(model: LoadedModel, promptIds: readonly number[], letterIds: readonly number[]) {
  const row = model.hasPast ? await cacheStepper(model).feed(promptIds) : await prefixStepper(model).feed(promptIds);
  const lsm = logSoftmax(row);
  const scores = letterIds.map((id) => row[id]);
  return { scores, logProbs: letterIds.map((id) => lsm[id]), probs: referenceSoftmax(scores) };
}

/** Continuation method: summed log-likelihood of each option's tokens after the context. */
export async function referenceContinuation(model: LoadedModel, contextIds: readonly number[], options: readonly (readonly number[])[]) {
  const sums: number[] = [];
  if (model.hasPast) {
    const ctx = cacheStepper(model);
    const afterContext = await ctx.feed(contextIds);
    const snap = ctx.snapshot();
    for (const o of options) {
      let row = afterContext;
      const step = cacheStepper(model, snap.past, snap.length);
      let sum = 0;
      for (let j = 0; j < o.length; j++) {
        sum += logSoftmax(row)[o[j]];
        if (j + 1 < o.length) row = await step.feed([o[j]]);
      }
      sums.push(sum);
    }
  } else {
    for (const o of options) {
      let sum = 0;
      for (let j = 0; j < o.length; j++) {
        const row = await prefixStepper(model, [...contextIds, ...o.slice(0, j)]).feed([]);
        sum += logSoftmax(row)[o[j]];
      }
      sums.push(sum);
    }
  }
  return { sums, counts: options.map((o) => o.length) };
}
