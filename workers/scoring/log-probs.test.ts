/**
 * logProbsAt (onnxruntime LogSoftmax + GatherElements over a graph written in log-softmax-graph.ts) against a
 * float64 log-softmax written out here, on both of its paths (a view over consecutive rows, a copy of scattered
 * rows), several logits arrays at once, several ids per row and two requests on one row.
 */
import { describe, expect, it } from "vitest";
import { logProbsAt } from "./log-probs";

function logSoftmax64(logits: Float32Array, offset: number, vocab: number, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]);
  let sum = 0;
  for (let i = 0; i < vocab; i++) sum += Math.exp(logits[offset + i] - max);
  return logits[offset + id] - (max + Math.log(sum));
}

function randomLogits(rows: number, vocab: number, seed: number): Float32Array {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Float32Array.from({ length: rows * vocab }, () => (rnd() - 0.5) * 30);
}

describe("logProbsAt", () => {
  const vocab = 97;
  const a = randomLogits(40, vocab, 1);
  const b = randomLogits(6, vocab, 2);

  it("matches a float64 log-softmax to float32 precision on both paths", async () => {
    const requests = [
      { logits: a, offset: 3 * vocab, ids: [0, 5, 96] }, // consecutive rows of a: served by a view
      { logits: a, offset: 4 * vocab, ids: [7] },
      { logits: a, offset: 5 * vocab, ids: [8] },
      { logits: a, offset: 4 * vocab, ids: [9, 10] }, // a second request on row 4
      { logits: b, offset: 0, ids: [1] }, // scattered rows of b: copied
      { logits: b, offset: 5 * vocab, ids: [2, 3] },
    ];
    const got = await logProbsAt(vocab, requests);
    expect(got.map((g) => g.length)).toEqual(requests.map((r) => r.ids.length));
    requests.forEach((r, i) =>
      r.ids.forEach((id, j) => expect(Math.abs(got[i][j] - logSoftmax64(r.logits, r.offset, vocab, id))).toBeLessThan(5e-6)),
    );
  });

  it("refuses rows and ids outside the logits", async () => {
    await expect(logProbsAt(vocab, [{ logits: b, offset: 6 * vocab, ids: [0] }])).rejects.toThrow("not a row");
    await expect(logProbsAt(vocab, [{ logits: b, offset: 1, ids: [0] }])).rejects.toThrow("not a row");
    await expect(logProbsAt(vocab, [{ logits: b, offset: 0, ids: [vocab] }])).rejects.toThrow("outside the logits");
    await expect(logProbsAt(vocab, [{ logits: b, offset: 0, ids: [] }])).rejects.toThrow("at least one token id");
  });

  it("answers no requests with nothing", async () => {
    expect(await logProbsAt(vocab, [])).toEqual([]);
  });
});
