/**
 * The scorers against the independent token-by-token reference (reference.ts), for every fixture (GPT-2, Llama,
 * Mistral and Gemma-2 style; with a float32 cache, float16 past/logits, and without a cache), both methods and
 * normalisations, batched and unbatched, zero-shot and k-shot, over questions in six scripts and with 4 to 10
 * options. Probabilities must agree to 1e-5 for float32 exports. Float16 exports round their cache and logits to
 * float16 (10-bit mantissa): a batched pass and the one-token-at-a-time reference round at different points (a
 * token's own key is float32 in its pass, float16 once cached), so they agree to FP16_PROB_TOL only.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, selectShots, type DatasetQuestion } from "../../lib/datasets";
import { loadModel, type LoadedModel } from "../model";
import { continuationPrompt, letterPrompt, letterTokenIds, scoreContinuation, scoreLetter, type ScoringItem } from ".";
import { referenceContinuation, referenceLetter, referenceSoftmax } from "../../tests/support/scoring-reference";

const MODELS_DIR = path.resolve(__dirname, "../../tests/fixtures/models");
const DATASETS = path.resolve(__dirname, "../../tests/fixtures/datasets");
const LOGIT_TOL = 1e-4; // float32 logits: batched and unbatched kernels round differently
/** Probabilities; logits and log-probabilities. Float16 logits of magnitude 16-32 are 2^-6 apart. */
const FP32 = { prob: 1e-5, logit: LOGIT_TOL };
const FP16 = { prob: 5e-3, logit: 3e-2 }; // observed: 1.8e-3 (gemma2-fp16, 10 options)
/** Reference passes run one token at a time: on a loaded 2-core machine a hook or test can take tens of seconds. */
const SLOW = 120_000;
const FIXTURES = [
  ["tiny-gpt2", FP32],
  ["tiny-gpt2-nocache", FP32],
  ["tiny-llama", FP32],
  ["tiny-llama-fp16", FP16],
  ["tiny-llama-nocache", FP32],
  ["tiny-mistral", FP32],
  ["tiny-gemma2", FP32],
  ["tiny-gemma2-fp16", FP16],
  ["tiny-gemma2-nocache", FP32],
] as const;

let items: { name: string; zero: ScoringItem; kshot: ScoringItem }[] = [];

beforeAll(async () => {
  const gm = await loadDataset(path.join(DATASETS, "globalmmlu/jsonl"));
  const px = await loadDataset(path.join(DATASETS, "mmluprox/jsonl"));
  const pick = (qs: DatasetQuestion[], lang: string, id: string) => qs.find((q) => q.language === lang && q.split === "test" && q.externalId === id)!;
  const chosen = [
    pick(gm.questions, "en", "high_school_geography/test/1"),
    pick(gm.questions, "ru", "astronomy/test/2"),
    pick(gm.questions, "ar", "elementary_mathematics/test/0"),
    pick(gm.questions, "hi", "high_school_chemistry/test/3"),
    pick(gm.questions, "zh", "high_school_geography/test/1"),
    pick(gm.questions, "am", "astronomy/test/2"),
    pick(px.questions, "ja", "70"), // 10 options
    pick(px.questions, "sw", "71"), // 6 options
  ];
  items = chosen.map((q) => {
    const dev = (q.externalId.includes("/") ? gm : px).questions.filter((d) => d.split === "dev" && d.language === q.language);
    return { name: `${q.language}:${q.externalId}`, zero: { question: q }, kshot: { question: q, shots: dev.slice(0, 2) } };
  });
  // A question whose options are partly single tokens (" A" is one token by construction): exercises the
  // cache path's one-token rows (only the prompt's last token) beside longer ones.
  const mixed = { subject: "misc", question: "Pick one.", options: ["A", "B", "Paris", "ፓሪስ"], gold: 2 };
  items.push({ name: "mixed-lengths", zero: { question: mixed }, kshot: { question: mixed, shots: [items[0].zero.question, items[6].zero.question].map((q) => ({ ...q, gold: q.gold })) } });
});

describe.each(FIXTURES)("%s", (fixture, tol) => {
  const PROB_TOL = tol.prob;
  const LOGIT_TOL = tol.logit;
  let model: LoadedModel;
  beforeAll(async () => {
    model = await loadModel(fixture, { modelsDir: MODELS_DIR, ep: "cpu", log: () => {} });
  });
  afterAll(async () => model?.dispose());

  it("has the expected KV-cache inputs", () => {
    expect(model.hasPast).toBe(!fixture.endsWith("-nocache"));
  });

  describe.each([
    ["zero-shot", "zero"],
    ["2-shot", "kshot"],
  ] as const)("letter method, %s", (_, kind) => {
    let expected: Awaited<ReturnType<typeof referenceLetter>>[] = [];
    beforeAll(async () => {
      expected = [];
      for (const it of items) {
        const item = it[kind];
        const ids = model.tokenizer.encode(letterPrompt(item.question, item.shots)).ids;
        expected.push(await referenceLetter(model, ids, letterTokenIds(model.tokenizer, item.question.options.length)));
      }
    }, SLOW);

    it.each([
      ["unbatched", { batchSize: 1 }],
      ["batch 3, right padding", { batchSize: 3, padding: "right" }],
      ["batch 16, left padding", { batchSize: 16, padding: "left" }],
    ] as const)("%s matches the token-by-token reference", async (_, opts) => {
      const got = await scoreLetter(model, items.map((i) => i[kind]), opts);
      got.forEach((g, k) => {
        const e = expected[k];
        expect(g.method).toBe("letter");
        expect(g.probs).toHaveLength(items[k][kind].question.options.length);
        g.probs.forEach((p, j) => expect(Math.abs(p - e.probs[j]), `${items[k].name} option ${j}`).toBeLessThan(PROB_TOL));
        g.scores.forEach((s, j) => expect(Math.abs(s - e.scores[j])).toBeLessThan(LOGIT_TOL));
        g.logProbs.forEach((s, j) => expect(Math.abs(s - e.logProbs[j])).toBeLessThan(LOGIT_TOL));
        expect(g.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        expect(g.confidence).toBe(Math.max(...g.probs));
        expect(g.truncatedTokens).toBe(0);
      });
    }, SLOW);
  });

  describe.each([
    ["zero-shot", "zero"],
    ["2-shot", "kshot"],
  ] as const)("continuation method, %s", (_, kind) => {
    let expected: Awaited<ReturnType<typeof referenceContinuation>>[] = [];
    beforeAll(async () => {
      expected = [];
      for (const it of items) {
        const item = it[kind];
        const context = continuationPrompt(item.question, item.shots);
        const ctxIds = model.tokenizer.encode(context).ids;
        // lm-evaluation-harness's split: encode(context + " option") minus the context's token count.
        const opts = item.question.options.map((o) => model.tokenizer.encode(`${context} ${o.trim()}`).ids.slice(ctxIds.length));
        expected.push(await referenceContinuation(model, ctxIds, opts));
      }
    }, SLOW);

    const strategies = fixture.endsWith("-nocache") ? (["full"] as const) : (["kv-cache", "full"] as const);
    describe.each(strategies)("strategy %s", (strategy) => {
      it.each(["per-token", "sum"] as const)("%s normalisation matches the reference", async (normalization) => {
        for (const [k, it] of items.entries()) {
          const got = await scoreContinuation(model, it[kind], { normalization, strategy });
          const e = expected[k];
          const scores = normalization === "sum" ? e.sums : e.sums.map((s, j) => s / e.counts[j]);
          const probs = referenceSoftmax(scores);
          expect(got.tokenCounts).toEqual(e.counts);
          got.probs.forEach((p, j) => expect(Math.abs(p - probs[j]), `${it.name} option ${j}`).toBeLessThan(PROB_TOL));
          got.logProbs.forEach((s, j) => expect(Math.abs(s - e.sums[j])).toBeLessThan(LOGIT_TOL * e.counts[j]));
          expect(got.correct).toBe(got.predicted === it[kind].question.gold);
        }
      }, SLOW);
    });
  });

  it("truncates long prompts from the left, keeping the BOS, and still matches the reference", async () => {
    // BOS models (Llama, Gemma) keep their first token; GPT-2 has none to keep.
    const bos = model.tokenizer.encode("").ids.length;
    expect(bos).toBe(fixture.startsWith("tiny-gpt2") ? 0 : 1);
    const cut = (ids: number[], keep: number) => [...ids.slice(0, bos), ...ids.slice(ids.length - (keep - bos))];
    const item = items[6].kshot;
    const ids = model.tokenizer.encode(letterPrompt(item.question, item.shots)).ids;
    const [got] = await scoreLetter(model, [item], { maxLength: 40 });
    expect(got.promptTokens).toBe(40);
    expect(got.truncatedTokens).toBe(ids.length - 40);
    const e = await referenceLetter(model, cut(ids, 40), letterTokenIds(model.tokenizer, item.question.options.length));
    got.probs.forEach((p, j) => expect(Math.abs(p - e.probs[j])).toBeLessThan(PROB_TOL));

    const cont = await scoreContinuation(model, item, { maxLength: 50, normalization: "sum" });
    const context = continuationPrompt(item.question, item.shots);
    const ctxIds = model.tokenizer.encode(context).ids;
    const opts = item.question.options.map((o) => model.tokenizer.encode(`${context} ${o.trim()}`).ids.slice(ctxIds.length));
    const keep = 50 - (Math.max(...opts.map((o) => o.length)) - 1);
    expect(cont.promptTokens).toBe(keep);
    expect(cont.truncatedTokens).toBe(ctxIds.length - keep);
    const ref = await referenceContinuation(model, cut(ctxIds, keep), opts);
    const probs = referenceSoftmax(ref.sums);
    cont.probs.forEach((p, j) => expect(Math.abs(p - probs[j])).toBeLessThan(PROB_TOL));

    // Cut to the BOS and one prompt token (one token without a BOS): the cache path's prefix is just the BOS, or
    // nothing (it starts from an empty cache).
    const longest = Math.max(...opts.map((o) => o.length));
    const one = await scoreContinuation(model, item, { maxLength: longest + bos, normalization: "sum" });
    expect(one.promptTokens).toBe(1 + bos);
    const refOne = referenceSoftmax((await referenceContinuation(model, cut(ctxIds, 1 + bos), opts)).sums);
    one.probs.forEach((p, j) => expect(Math.abs(p - refOne[j])).toBeLessThan(PROB_TOL));
    if (bos) await expect(scoreContinuation(model, item, { maxLength: longest })).rejects.toThrow("leaves no room after the 1 start token(s)");
  }, SLOW);

  it("uses the first k same-subject dev questions as shots (selectShots)", async () => {
    const gm = await loadDataset(path.join(DATASETS, "globalmmlu/parquet/en"));
    const q = gm.questions.find((x) => x.split === "test" && x.subject === "high_school_geography")!;
    const shots = selectShots(gm.questions, q, 5);
    expect(shots.map((s) => s.externalId)).toEqual(["high_school_geography/dev/1"]);
    const [a] = await scoreLetter(model, [{ question: q, shots }]);
    expect(a.promptTokens).toBeGreaterThan((await scoreLetter(model, [{ question: q }]))[0].promptTokens);
  });
});
