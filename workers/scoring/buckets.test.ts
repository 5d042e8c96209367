/**
 * Letter batches are length buckets: with a model stand-in that records every forward pass (around the real tiny
 * GPT-2), no row of a batch is more than maxPadding padding, batches never exceed batchSize, and the results equal
 * unbatched scoring.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "../../lib/datasets";
import { loadModel, type ForwardBatch, type LoadedModel } from "../model";
import { scoreLetter, type ScoringItem } from ".";

const ROOT = path.resolve(__dirname, "../..");

describe("scoreLetter length buckets", () => {
  let model: LoadedModel;
  let items: ScoringItem[] = [];
  beforeAll(async () => {
    model = await loadModel("tiny-gpt2", { modelsDir: path.join(ROOT, "tests/fixtures/models"), ep: "cpu", log: () => {} });
    const gm = await loadDataset(path.join(ROOT, "tests/fixtures/datasets/globalmmlu/jsonl"));
    const px = await loadDataset(path.join(ROOT, "tests/fixtures/datasets/mmluprox/jsonl"));
    // Prompts from ~40 to several hundred tokens (Ge'ez and Devanagari are long in a byte-level BPE).
    items = [...gm.questions, ...px.questions].filter((q) => q.split === "test").map((question) => ({ question }));
  });
  afterAll(async () => model?.dispose());

  const recording = (widths: { seq: number; rows: number[] }[]) => ({
    ...model,
    forward: ((b: ForwardBatch) => {
      const rows: number[] = [];
      for (let r = 0; r < b.batch; r++) {
        let n = 0;
        for (let j = 0; j < b.seq; j++) n += Number(b.attentionMask[r * b.seq + j]);
        rows.push(n);
      }
      widths.push({ seq: b.seq, rows });
      return model.forward(b);
    }) as LoadedModel["forward"],
  });

  it.each([0.25, 0.1])("keeps every row within maxPadding %s of its batch width, and the results", async (maxPadding) => {
    const widths: { seq: number; rows: number[] }[] = [];
    const got = await scoreLetter(recording(widths), items, { batchSize: 8, maxPadding });
    expect(widths.reduce((n, w) => n + w.rows.length, 0)).toBe(items.length);
    for (const w of widths) {
      expect(w.rows.length).toBeLessThanOrEqual(8);
      for (const n of w.rows) expect(n).toBeGreaterThanOrEqual(w.seq * (1 - maxPadding));
    }
    const single = await scoreLetter(model, items, { batchSize: 1 });
    got.forEach((g, k) => g.probs.forEach((p, j) => expect(Math.abs(p - single[k].probs[j])).toBeLessThan(1e-5)));
  }, 60_000);

  it("without buckets (maxPadding 1) pads freely: the same items need fewer, wider batches", async () => {
    const bucketed: { seq: number; rows: number[] }[] = [];
    const free: { seq: number; rows: number[] }[] = [];
    await scoreLetter(recording(bucketed), items, { batchSize: 8 });
    await scoreLetter(recording(free), items, { batchSize: 8, maxPadding: 1 });
    const padding = (ws: typeof free) => ws.reduce((s, w) => s + w.rows.reduce((a, n) => a + (w.seq - n), 0), 0);
    expect(free.length).toBe(Math.ceil(items.length / 8));
    expect(padding(bucketed)).toBeLessThan(padding(free));
  }, 60_000);
});
