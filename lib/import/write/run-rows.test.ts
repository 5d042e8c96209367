import { describe, expect, it } from "vitest";
import type { ImportRecord } from "../read/record";
import { RunRows } from "./run-rows";
import { StoredQuestions } from "./stored-questions";

function record(i: number, k: number): ImportRecord {
  const raw = Array.from({ length: k }, (_, j) => 1 + ((i * 7 + j * 3) % 11));
  const sum = raw.reduce((a, b) => a + b, 0);
  const probs = raw.map((x) => x / sum);
  const predicted = probs.indexOf(Math.max(...probs));
  return {
    line: i + 1, language: "de", externalId: `q${i}`, subject: null, text: null, options: [], optionCount: k, gold: i % k,
    probs, logLikelihoods: null, predicted, confidence: probs[predicted], correct: predicted === i % k,
  };
}

describe("RunRows", () => {
  it("keeps every row across its columns' growth (5,000 rows, ragged option counts, file order ≠ id order)", () => {
    const n = 5_000;
    const q = new StoredQuestions();
    // Ids in reverse of the rows' order, so the rows come back sorted by id, and 2–5 options.
    const recs = Array.from({ length: n }, (_, i) => record(i, 2 + (i % 4)));
    for (let i = 0; i < n; i++) q.add(recs[i].externalId, n - i, recs[i].optionCount, recs[i].gold!);
    const kept = new RunRows();
    for (let i = 0; i < n; i++) kept.add(q, i, recs[i]);
    const rows = kept.finish(7)!.take("de")!;
    const input = rows.toInput(false);
    if (input.kind !== "labelled") throw new Error("expected a labelled set");
    const byId = [...recs].reverse();
    expect(input.n).toBe(n);
    expect(Array.from(input.labels)).toEqual(byId.map((r) => r.gold));
    expect(Array.from(input.offsets)).toEqual([0, ...byId.map((r) => r.probs.length)].map((_, j, a) => a.slice(0, j + 1).reduce((s, x) => s + x, 0)));
    expect(Array.from(input.probs)).toEqual(byId.flatMap((r) => r.probs));
    const top = rows.toInput(true);
    if (top.kind !== "top-label") throw new Error("expected a top-label set");
    expect(Array.from(top.correct)).toEqual(byId.map((r) => (r.correct ? 1 : 0)));
    expect(Array.from(top.confidence)).toEqual(byId.map((r) => r.confidence));
  });
});
