/**
 * The Llama-, Mistral- and Gemma-2-style fixtures (scripts/make-tiny-model.py, tiny_decoders.py) load as Hugging
 * Face ONNX folders; their config fields (GQA, Gemma's explicit head_dim, pad id) are read; the tokenizer adds the
 * family's BOS token exactly as the Python generator did; and onnxruntime, fed one token at a time through the
 * worker's forward (float32 or float16 cache), reproduces the token-by-token torch run in reference.json — which
 * includes Llama-3.1's rope scaling, GQA, Gemma-2's soft-capping and its 24-token local window on a 40-token sequence.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel, type KvCache, type LoadedModel } from ".";

const MODELS_DIR = path.resolve(__dirname, "../../tests/fixtures/models");

interface Reference {
  tokenization: { text: string; ids: number[] }[];
  sequences: number[][];
  logits_first16: number[][][];
  stepwise: boolean;
  half: boolean;
}

const FIXTURES = [
  // name, model type, layers, heads, kv heads, head dim, pastType (null: no cache)
  ["tiny-llama", "llama", 4, 2, 8, "float32"],
  ["tiny-llama-fp16", "llama", 4, 2, 8, "float16"],
  ["tiny-llama-nocache", "llama", 4, 2, 8, null],
  ["tiny-mistral", "mistral", 4, 1, 8, "float32"],
  ["tiny-gemma2", "gemma2", 4, 2, 16, "float32"],
  ["tiny-gemma2-fp16", "gemma2", 4, 2, 16, "float16"],
  ["tiny-gemma2-nocache", "gemma2", 4, 2, 16, null],
] as const;

const ids64 = (ids: readonly number[]) => BigInt64Array.from(ids.map(BigInt));

describe.each(FIXTURES)("%s", (fixture, modelType, heads, kvHeads, headDim, pastType) => {
  let model: LoadedModel;
  const ref = JSON.parse(readFileSync(path.join(MODELS_DIR, fixture, "reference.json"), "utf8")) as Reference;
  beforeAll(async () => {
    model = await loadModel(fixture, { modelsDir: MODELS_DIR, ep: "cpu", log: () => {} });
  });
  afterAll(async () => model?.dispose());

  it("reads the config and the session's cache layout", () => {
    expect(model.config).toMatchObject({ modelType, numLayers: 2, numHeads: heads, numKvHeads: kvHeads, headDim, hiddenSize: 32 });
    expect(model.hasPast).toBe(pastType !== null);
    if (pastType) expect(model.io).toMatchObject({ pastType, kvHeads, headDim });
    // Gemma's config names a pad token; the others pad with eos (masked out either way).
    expect(model.padTokenId).toBe(modelType === "gemma2" ? model.tokenizer.token_to_id("<pad>") : model.config.eosTokenId);
  });

  it("tokenises like the generator, BOS first", () => {
    const bos = model.config.bosTokenId;
    for (const { text, ids } of ref.tokenization) {
      expect(ids[0]).toBe(bos);
      expect(model.tokenizer.encode(text).ids, text).toEqual(ids);
    }
  });

  it("reproduces the token-by-token torch run", async () => {
    expect(ref.stepwise).toBe(true);
    expect(ref.half).toBe(pastType === "float16");
    // float16 logits are rounded to 11 significant bits; both sides round the same float32 value, so they agree
    // to one float16 step of the largest logit (2^-6 below 32) unless the float32 values straddle a rounding edge.
    const tol = pastType === "float16" ? 2 ** -5 : 1e-4;
    for (const [s, ids] of ref.sequences.entries()) {
      let past: KvCache | undefined;
      for (let n = 0; n < ids.length; n++) {
        const one = { batch: 1, seq: 1, inputIds: ids64([ids[n]]), attentionMask: new BigInt64Array(n + 1).fill(1n), positionIds: ids64([n]), past };
        let logits: Float32Array;
        if (pastType) {
          const out = await model.forward(one, { keepCache: true });
          past = out.cache;
          logits = out.logits;
        } else {
          // No cache: the whole prefix, reading the last position.
          const out = await model.forward({ batch: 1, seq: n + 1, inputIds: ids64(ids.slice(0, n + 1)), attentionMask: new BigInt64Array(n + 1).fill(1n), positionIds: ids64(ids.slice(0, n + 1).map((_, i) => i)) });
          logits = out.logits.subarray(n * out.vocab);
        }
        for (let v = 0; v < 16; v++) expect(Math.abs(logits[v] - ref.logits_first16[s][n][v]), `sequence ${s} position ${n} token ${v}`).toBeLessThan(tol);
      }
    }
  }, 60_000);
});
