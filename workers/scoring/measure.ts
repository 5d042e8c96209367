/**
 * Times the scoring strategies on a model folder (README.md ("Worker: models, scoring and datasets") records the results):
 *
 *   /usr/bin/python3 scripts/make-tiny-model.py --preset 20m --out .atlas/models/gpt2-20m
 *   /usr/bin/python3 scripts/make-tiny-model.py --preset 20m --no-past --out .atlas/models/gpt2-20m-nocache
 *   node --import tsx workers/scoring/measure.ts [--models-dir .atlas/models] [--reps 3]
 *
 * Questions are the dataset fixtures (GlobalMMLU and MMLU-ProX, six languages each), 0-, 2- and 8-shot (the two dev
 * questions of each language repeated, for prompts of a few hundred tokens like real 5-shot MMLU). Run with
 * ATLAS_ORT_THREADS=1 on a shared machine: one thread is slower but far less noisy.
 * "sequential" is the baseline the batched strategies are measured against: one batch-1 forward per option.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { loadDataset, type DatasetQuestion } from "../../lib/datasets";
import { loadModel, type LoadedModel } from "../model";
import { continuationPrompt, continuationText, encodeContinuation, packBatch, scoreContinuation, scoreLetter, type ScoringItem } from ".";

const { values } = parseArgs({ options: { "models-dir": { type: "string", default: ".atlas/models" }, reps: { type: "string", default: "3" } } });
const modelsDir = path.resolve(values["models-dir"]!);
const reps = Number(values.reps);
const fixtures = path.resolve(import.meta.dirname, "../../tests/fixtures/datasets");

/** k shots from the language's dev questions, repeated cyclically when k exceeds them (to reach real prompt lengths). */
function itemsOf(questions: DatasetQuestion[], shots: number): ScoringItem[] {
  return questions
    .filter((q) => q.split === "test")
    .map((q) => {
      const dev = questions.filter((d) => d.split === "dev" && d.language === q.language);
      return { question: q, shots: Array.from({ length: shots }, (_, i) => dev[i % dev.length]) };
    });
}

/**
 * Best of `reps` runs (after one warm-up), per question: wall time, and CPU time of this process, which a busy
 * shared machine inflates far less (with ATLAS_ORT_THREADS=1 it is close to the pure compute time).
 */
async function time(label: string, count: number, run: () => Promise<unknown>): Promise<void> {
  await run();
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await run();
    const used = process.cpuUsage(c);
    wall = Math.min(wall, performance.now() - t);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  console.log(`${label.padEnd(62)} ${(cpu / count).toFixed(1).padStart(7)} ms CPU ${(wall / count).toFixed(1).padStart(7)} ms wall /question`);
}

/** Baseline: every option's full sequence in its own batch-1 forward pass. */
async function sequential(model: LoadedModel, item: ScoringItem): Promise<void> {
  const text = continuationPrompt(item.question, item.shots);
  const ctx = model.tokenizer.encode(text).ids;
  for (const o of item.question.options) {
    const ids = [...ctx, ...encodeContinuation(model.tokenizer, text, ctx, continuationText(o)).slice(0, -1)];
    await model.forward(packBatch([ids], "right", model.padTokenId));
  }
}

const gm = (await loadDataset(path.join(fixtures, "globalmmlu/jsonl"))).questions;
const px = (await loadDataset(path.join(fixtures, "mmluprox/jsonl"))).questions;
const withPast = await loadModel("gpt2-20m", { modelsDir });
const noPast = await loadModel("gpt2-20m-nocache", { modelsDir, log: () => {} });
console.log(`model: ${withPast.config.numLayers} layers × ${withPast.config.hiddenSize}, vocab ${withPast.config.vocabSize}; provider ${withPast.provider}`);

for (const [bench, questions] of [["GlobalMMLU", gm], ["MMLU-ProX", px]] as const) {
  for (const shots of [0, 2, 8]) {
    const items = itemsOf(questions, shots);
    const tokens = items.map((i) => withPast.tokenizer.encode(continuationPrompt(i.question, i.shots)).ids.length);
    const options = items.reduce((a, i) => a + i.question.options.length, 0) / items.length;
    console.log(`\n${bench}, ${shots}-shot: ${items.length} questions, ${options.toFixed(1)} options, prompt ${tokens.reduce((a, b) => Math.min(a, b), Infinity)}–${tokens.reduce((a, b) => Math.max(a, b), 0)} tokens`);
    const n = items.length;
    await time("continuation, kv-cache (prompt once + K options batched)", n, async () => {
      for (const i of items) await scoreContinuation(withPast, i, { strategy: "kv-cache" });
    });
    await time("continuation, full (K full sequences batched), with-past export", n, async () => {
      for (const i of items) await scoreContinuation(withPast, i, { strategy: "full" });
    });
    await time("continuation, full, no-past export", n, async () => {
      for (const i of items) await scoreContinuation(noPast, i, { strategy: "full" });
    });
    await time("continuation, sequential baseline (K batch-1 passes)", n, async () => {
      for (const i of items) await sequential(noPast, i);
    });
    for (const batchSize of [1, 4, 8, 16]) {
      await time(`letter, batch ${batchSize}, right padding`, n, () => scoreLetter(noPast, items, { batchSize }));
    }
    await time("letter, batch 8, left padding", n, () => scoreLetter(noPast, items, { batchSize: 8, padding: "left" }));
    await time("letter, batch 8, right padding, with-past export", n, () => scoreLetter(withPast, items, { batchSize: 8 }));
  }
}
await withPast.dispose();
await noPast.dispose();
