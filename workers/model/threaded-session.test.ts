/**
 * A session in its own thread (threaded-session.ts, used with CUDA or ATLAS_ORT_THREAD=1) gives exactly what the
 * same session on the calling thread gives — both scorers, KV-cache and no-cache exports, several passes in flight —
 * measures its time, reports failures with onnxruntime's message, and refuses work once released.
 */
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadDataset } from "../../lib/datasets";
import { loadModel, type LoadedModel } from ".";
import { scoreContinuation, scoreLetter, type ScoringItem } from "../scoring";
import { sessionInOwnThread } from "./provider";
import { createThreadedSession } from "./threaded-session";

const MODELS_DIR = path.resolve(__dirname, "../../tests/fixtures/models");
const DATA = path.resolve(__dirname, "../../tests/fixtures/datasets/globalmmlu/jsonl");

async function load(fixture: string, thread: "0" | "1"): Promise<LoadedModel> {
  vi.stubEnv("ATLAS_ORT_THREAD", thread);
  try {
    return await loadModel(fixture, { modelsDir: MODELS_DIR, log: () => {} });
  } finally {
    vi.unstubAllEnvs();
  }
}

const opened: LoadedModel[] = [];
afterEach(async () => {
  for (const m of opened.splice(0)) await m.dispose();
});

describe("session in its own thread", () => {
  it("is chosen for CUDA, not for the CPU provider, unless ATLAS_ORT_THREAD says otherwise", () => {
    expect(sessionInOwnThread({ executionProviders: [{ name: "cuda", deviceId: 0 }] }, {})).toBe(true);
    expect(sessionInOwnThread({ executionProviders: ["cpu"] }, {})).toBe(false);
    expect(sessionInOwnThread({ executionProviders: ["cpu"] }, { ATLAS_ORT_THREAD: "1" })).toBe(true);
    expect(sessionInOwnThread({ executionProviders: [{ name: "cuda", deviceId: 0 }] }, { ATLAS_ORT_THREAD: "0" })).toBe(false);
  });

  it.each(["tiny-gpt2", "tiny-gpt2-nocache"])("scores %s exactly as the in-thread session, with passes in flight together", async (fixture) => {
    const threaded = await load(fixture, "1");
    const plain = await load(fixture, "0");
    opened.push(threaded, plain);
    expect(threaded.session.overlaps).toBe(true);
    expect(plain.session.overlaps).toBe(false);
    const questions = (await loadDataset(DATA, {})).questions.filter((q) => q.split === "test").slice(0, 8);
    const items: ScoringItem[] = questions.map((q) => ({ question: { subject: q.subject, question: q.question, options: q.options, gold: q.gold } }));
    const want = {
      letter: await scoreLetter(plain, items, { batchSize: 3 }),
      continuation: await Promise.all(items.map((it) => scoreContinuation(plain, it))),
    };
    // All questions at once: several passes queue in the thread while others are prepared.
    const [letter, continuation] = await Promise.all([
      scoreLetter(threaded, items, { batchSize: 3 }),
      Promise.all(items.map((it) => scoreContinuation(threaded, it))),
    ]);
    expect(letter.map((s) => s.probs)).toEqual(want.letter.map((s) => s.probs));
    expect(continuation.map((s) => s.logProbs)).toEqual(want.continuation.map((s) => s.logProbs));
    expect(threaded.session.busyMs).toBeGreaterThan(0);
  });

  it("reports onnxruntime's error for a bad pass and refuses work after release", async () => {
    const session = await createThreadedSession(path.join(MODELS_DIR, "tiny-gpt2-nocache/onnx/model.onnx"), { executionProviders: ["cpu"] });
    const ids = new ort.Tensor("int64", BigInt64Array.from([1n, 2n]), [1, 2]);
    await expect(session.run({ input_ids: ids })).rejects.toThrow(/attention_mask|input/i);
    await session.release();
    await expect(session.run({ input_ids: ids })).rejects.toThrow(/exited|released|session/i);
  });

  it("fails to open a model that does not exist, with the path in the message", async () => {
    await expect(createThreadedSession("/nonexistent/model.onnx", {})).rejects.toThrow(/nonexistent/);
  });
});
