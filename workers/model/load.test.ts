/**
 * The fixtures load as Hugging Face ONNX folders; @huggingface/tokenizers splits text exactly as the Python
 * generator's own BPE encoder did; onnxruntime reproduces torch's logits; and the KV-cache path reproduces the
 * full recomputation.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel, type LoadedModel } from ".";

const MODELS_DIR = path.resolve(__dirname, "../../tests/fixtures/models");

interface Reference {
  tokenization: { text: string; ids: number[] }[];
  sequences: number[][];
  logits_first16: number[][][];
}

describe.each(["tiny-gpt2", "tiny-gpt2-nocache"])("%s", (fixture) => {
  let model: LoadedModel;
  const ref = JSON.parse(readFileSync(path.join(MODELS_DIR, fixture, "reference.json"), "utf8")) as Reference;
  beforeAll(async () => {
    model = await loadModel(fixture, { modelsDir: MODELS_DIR, log: () => {} });
  });
  afterAll(async () => model?.dispose());

  it("reads config and detects the KV cache from the session's inputs", () => {
    expect(model.config).toMatchObject({ modelType: "gpt2", numLayers: 2, numHeads: 4, headDim: 8, maxPositions: 1024, vocabSize: 567 });
    expect(model.hasPast).toBe(fixture === "tiny-gpt2");
    expect(model.io.layers).toHaveLength(fixture === "tiny-gpt2" ? 2 : 0);
    expect(model.io.hasPositionIds).toBe(true);
    expect(model.provider).toBe("cpu");
    expect(model.padTokenId).toBe(566);
  });

  it("tokenises every script exactly as the Python generator", () => {
    expect(ref.tokenization.length).toBeGreaterThan(20);
    for (const { text, ids } of ref.tokenization) expect(model.tokenizer.encode(text).ids, JSON.stringify(text)).toEqual(ids);
    // Byte-level: any text round-trips, scripts the merges never saw included.
    for (const { text } of ref.tokenization) expect(model.tokenizer.decode(model.tokenizer.encode(text).ids)).toBe(text);
  });

  it("makes each option letter a single token", () => {
    for (const l of "ABCDEFGHIJ") expect(model.tokenizer.encode(` ${l}`).ids).toHaveLength(1);
  });

  it("reproduces torch's logits", async () => {
    for (const [s, ids] of ref.sequences.entries()) {
      const n = ids.length;
      const out = await model.forward({
        batch: 1,
        seq: n,
        inputIds: BigInt64Array.from(ids.map(BigInt)),
        attentionMask: new BigInt64Array(n).fill(1n),
        positionIds: BigInt64Array.from(ids.map((_, i) => BigInt(i))),
      });
      for (let p = 0; p < n; p++) {
        for (let v = 0; v < 16; v++) expect(Math.abs(out.logits[p * out.vocab + v] - ref.logits_first16[s][p][v])).toBeLessThan(1e-4);
      }
    }
  });

  it.runIf(fixture === "tiny-gpt2")("continues from a KV cache exactly as a full recomputation", async () => {
    const ids = ref.sequences[0];
    const n = ids.length;
    const k = 10;
    const full = await model.forward({ batch: 1, seq: n, inputIds: BigInt64Array.from(ids.map(BigInt)), attentionMask: new BigInt64Array(n).fill(1n), positionIds: BigInt64Array.from(ids.map((_, i) => BigInt(i))) });
    const head = await model.forward(
      { batch: 1, seq: k, inputIds: BigInt64Array.from(ids.slice(0, k).map(BigInt)), attentionMask: new BigInt64Array(k).fill(1n), positionIds: BigInt64Array.from(ids.slice(0, k).map((_, i) => BigInt(i))) },
      { keepCache: true },
    );
    expect(head.cache?.length).toBe(k);
    const tail = await model.forward({
      batch: 1,
      seq: n - k,
      inputIds: BigInt64Array.from(ids.slice(k).map(BigInt)),
      attentionMask: new BigInt64Array(n).fill(1n),
      positionIds: BigInt64Array.from(ids.slice(k).map((_, i) => BigInt(k + i))),
      past: head.cache,
    });
    const V = full.vocab;
    for (let i = 0; i < (n - k) * V; i++) expect(Math.abs(tail.logits[i] - full.logits[k * V + i])).toBeLessThan(1e-4);

    // A cache-only pass returns the same cache and no logits.
    const only = await model.forward(
      { batch: 1, seq: k, inputIds: BigInt64Array.from(ids.slice(0, k).map(BigInt)), attentionMask: new BigInt64Array(k).fill(1n), positionIds: BigInt64Array.from(ids.slice(0, k).map((_, i) => BigInt(i))) },
      { cacheOnly: true },
    );
    expect(Object.keys(only)).toEqual(["cache"]);
    expect(only.cache.length).toBe(k);
    for (const [name, t] of Object.entries(head.cache!.tensors)) expect(only.cache.tensors[name].data).toEqual(t.data);
  });

  it("refuses a cache or present outputs where the export has none", async () => {
    if (model.hasPast) return;
    const one = { batch: 1, seq: 1, inputIds: BigInt64Array.of(1n), attentionMask: BigInt64Array.of(1n), positionIds: BigInt64Array.of(0n) };
    await expect(model.forward(one, { keepCache: true })).rejects.toThrow("cannot return a KV cache");
  });
});

describe("broken model folders", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "atlas-broken-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const copy = (name: string) => {
    cpSync(path.join(MODELS_DIR, "tiny-gpt2"), path.join(dir, name), { recursive: true });
    return path.join(dir, name);
  };

  it("names the missing file", async () => {
    const m = copy("no-onnx");
    rmSync(path.join(m, "onnx"), { recursive: true });
    await expect(loadModel("no-onnx", { modelsDir: dir, log: () => {} })).rejects.toThrow("model folder has no onnx/model.onnx or model.onnx");
    const t = copy("no-tokenizer");
    rmSync(path.join(t, "tokenizer.json"));
    await expect(loadModel("no-tokenizer", { modelsDir: dir, log: () => {} })).rejects.toThrow("model folder has no tokenizer.json");
  });

  it("names the bad config field", async () => {
    const m = copy("bad-config");
    writeFileSync(path.join(m, "config.json"), JSON.stringify({ model_type: "gpt2", vocab_size: 567, n_layer: 2, n_head: 3, n_embd: 32 }));
    await expect(loadModel("bad-config", { modelsDir: dir, log: () => {} })).rejects.toThrow(/config\.json, field "n_head": hidden size 32 is not a multiple of 3 heads/);
    writeFileSync(path.join(m, "config.json"), JSON.stringify({ model_type: "gpt2", vocab_size: "many" }));
    await expect(loadModel("bad-config", { modelsDir: dir, log: () => {} })).rejects.toThrow(/field "vocab_size"/);
  });

  it("accepts model.onnx at the top of the folder (optimum-cli's own layout) and no tokenizer_config.json", async () => {
    const m = copy("flat");
    cpSync(path.join(m, "onnx", "model.onnx"), path.join(m, "model.onnx"));
    rmSync(path.join(m, "onnx"), { recursive: true });
    rmSync(path.join(m, "tokenizer_config.json"));
    const model = await loadModel("flat", { modelsDir: dir, log: () => {} });
    expect(model.hasPast).toBe(true);
    await model.dispose();
  });
});
