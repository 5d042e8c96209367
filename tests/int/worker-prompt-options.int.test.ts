/**
 * Prompt options of `calib evaluate` end to end. --max-length: prompts cut from the left (BOS kept), the number of
 * cut prompts per language in Run.config.truncatedPrompts, the limit part of the idempotency key.
 * Evaluations through the model's chat template (calib evaluate --apply-chat-template
 * [--fewshot-as-multiturn]): the run stores the template's hash and the few-shot mode (config.chat, prompt id, shown
 * by listRuns), each mode is its own run (idempotency key), the stored probabilities are those of the scorers through
 * the same chat format, and a model without a chat_template is refused by field.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { waitFor } from "../support/wait-for";

const root = path.resolve(__dirname, "../..");
const DATA = path.join(root, "tests/fixtures/datasets/globalmmlu/jsonl");
process.env.ATLAS_MODELS_DIR = path.join(root, "tests/fixtures/models");

let db: TestDatabase;
let pool: import("pg").Pool;
let mods: {
  planEvaluation: typeof import("../../workers/evaluation/plan").planEvaluation;
  startWorker: typeof import("../../workers/worker").startWorker;
  stopBosses: typeof import("../../workers/queue/boss").stopBosses;
  schema: typeof import("../../workers/evaluation/request").evaluationRequestSchema;
  listRuns: typeof import("../../lib/db/queries/runs").listRuns;
};

beforeAll(async () => {
  db = await freshDatabase("worker-prompt-options");
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  mods = {
    planEvaluation: (await import("../../workers/evaluation/plan")).planEvaluation,
    startWorker: (await import("../../workers/worker")).startWorker,
    stopBosses: (await import("../../workers/queue/boss")).stopBosses,
    schema: (await import("../../workers/evaluation/request")).evaluationRequestSchema,
    listRuns: (await import("../../lib/db/queries/runs")).listRuns,
  };
  const { registerModel } = await import("../../cli/commands/register-model");
  await registerModel(pool, { name: "tiny-llama", onnx: "tiny-llama", family: "TinyLlama" }, () => {});
  await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
});

afterAll(async () => {
  await mods?.stopBosses();
  await pool?.end();
  await db?.drop();
});

describe("chat-template evaluations", () => {
  it("stores mode and template hash, keys each mode apart, and scores through the template", async () => {
    const base = { model: "tiny-llama", benchmark: "GlobalMMLU", data: DATA, languages: ["en"], method: "letter", batchSize: 2, shots: 1 };
    const multi = await mods.planEvaluation(pool, db.url, mods.schema.parse({ ...base, applyChatTemplate: true, fewshotAsMultiturn: true }));
    const single = await mods.planEvaluation(pool, db.url, mods.schema.parse({ ...base, applyChatTemplate: true }));
    const plain = await mods.planEvaluation(pool, db.url, mods.schema.parse(base));
    expect(new Set([multi.runId, single.runId, plain.runId]).size).toBe(3);
    const again = await mods.planEvaluation(pool, db.url, mods.schema.parse({ ...base, applyChatTemplate: true, fewshotAsMultiturn: true }));
    expect(again.runId).toBe(multi.runId);

    const worker = await mods.startWorker(db.url, { quiet: true });
    const status = async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Run" WHERE "status" <> 'completed'`)).rows[0].n;
    await waitFor(status, (n) => n === 0, 90_000);
    await worker.stop();

    const runs = await mods.listRuns(pool, { families: [], ids: [multi.runId, single.runId, plain.runId] });
    const byId = new Map(runs.map((r) => [r.id, r]));
    const { loadModel } = await import("../../workers/model");
    const model = await loadModel("tiny-llama", { log: () => {} });
    try {
      const hash = model.chatTemplate!.hash;
      expect(byId.get(multi.runId)).toMatchObject({ prompt: "mmlu-letter+chat-multiturn", config: { chat: { mode: "multiturn", templateHash: hash } } });
      expect(byId.get(single.runId)).toMatchObject({ prompt: "mmlu-letter+chat-single-turn", config: { chat: { mode: "single-turn", templateHash: hash } } });
      expect(byId.get(plain.runId)!.prompt).toBe("mmlu-letter");
      expect(byId.get(plain.runId)!.config.chat).toBeUndefined();

      // The stored probabilities of the first question are the scorer's through the same chat format.
      const { loadDataset, selectShots } = await import("../../lib/datasets");
      const { chatFormat, scoreLetter } = await import("../../workers/scoring");
      const qs = (await loadDataset(DATA, { language: "en" })).questions;
      const q = qs.find((x) => x.split === "test")!;
      const shots = selectShots(qs.filter((x) => x.split === "dev"), q, 1);
      for (const [runId, mode] of [[multi.runId, "multiturn"], [single.runId, "single-turn"]] as const) {
        const [expected] = await scoreLetter(model, [{ question: q, shots }], { format: chatFormat(model.chatTemplate!, mode) });
        const stored = await pool.query<{ probs: number[] }>(
          `SELECT p."probs" FROM "Prediction" p JOIN "Question" x ON x."id" = p."questionId" WHERE p."runId" = $1 AND x."externalId" = $2`,
          [runId, q.externalId],
        );
        stored.rows[0].probs.forEach((p, j) => expect(p).toBeCloseTo(expected.probs[j], 6));
      }
    } finally {
      await model.dispose();
    }
  }, 150_000);

  it("refuses a model without a chat_template, and multiturn without the template", async () => {
    const req = { model: "tiny-gpt2", benchmark: "GlobalMMLU", data: DATA, languages: ["en"], applyChatTemplate: true };
    await expect(mods.planEvaluation(pool, db.url, mods.schema.parse(req))).rejects.toThrow(/no chat_template in tokenizer_config\.json/);
    const bad = mods.schema.safeParse({ ...req, applyChatTemplate: false, fewshotAsMultiturn: true });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ["fewshotAsMultiturn"], message: "fewshotAsMultiturn needs applyChatTemplate" });
  });

  it("--max-length cuts long prompts from the left and counts them per language in the run's config", async () => {
    const base = { model: "tiny-llama", benchmark: "GlobalMMLU", data: DATA, languages: ["en", "ru"], method: "letter", batchSize: 3, shots: 1 };
    const plan = await mods.planEvaluation(pool, db.url, mods.schema.parse({ ...base, maxLength: 60 }));
    const unlimited = await mods.planEvaluation(pool, db.url, mods.schema.parse(base));
    expect(unlimited.runId).not.toBe(plan.runId);
    const worker = await mods.startWorker(db.url, { quiet: true });
    const open = async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Run" WHERE "status" <> 'completed'`)).rows[0].n;
    await waitFor(open, (n) => n === 0, 90_000);
    await worker.stop();

    // Expected: the prompts longer than 60 tokens, counted here with the tokenizer and the plain prompt.
    const { loadDataset, selectShots } = await import("../../lib/datasets");
    const { letterPrompt } = await import("../../workers/scoring");
    const { loadModel } = await import("../../workers/model");
    const model = await loadModel("tiny-llama", { log: () => {} });
    const expected: Record<string, number> = {};
    try {
      for (const language of ["en", "ru"]) {
        const qs = (await loadDataset(DATA, { language })).questions;
        const dev = qs.filter((x) => x.split === "dev");
        const long = qs.filter((q) => q.split === "test" && model.tokenizer.encode(letterPrompt(q, selectShots(dev, q, 1))).ids.length > 60);
        if (long.length) expected[language] = long.length;
      }
    } finally {
      await model.dispose();
    }
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    const [run] = await mods.listRuns(pool, { families: [], ids: [plan.runId] });
    expect(run.config).toMatchObject({ maxLength: 60, truncatedPrompts: expected });
    const [other] = await mods.listRuns(pool, { families: [], ids: [unlimited.runId] });
    expect(other.config.truncatedPrompts).toBeUndefined();
  }, 150_000);
});
