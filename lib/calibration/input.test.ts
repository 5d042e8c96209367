import { describe, expect, it } from "vitest";
import { AtlasError } from "../errors";
import { labelledSet, QuestionSetBuilder, softmax, subset, topLabelSet } from "./index";

function errorOf(f: () => unknown): AtlasError {
  try {
    f();
  } catch (e) {
    if (e instanceof AtlasError) return e;
    throw e;
  }
  throw new Error("expected an error");
}

describe("probability rows", () => {
  it("accepts rows summing to 1 within 1e-6 and keeps them as given", () => {
    const s = labelledSet([[0.5, 0.5000009], [0.2, 0.3, 0.5]], [0, 2]);
    expect(s.n).toBe(2);
    expect(s.maxK).toBe(3);
    expect(Array.from(s.offsets)).toEqual([0, 2, 5]);
    expect(s.probs[1]).toBe(0.5000009); // not renormalised
  });

  it.each([
    [[[0.5, 0.49]], [0], /row 0: probabilities sum to 0.99/],
    [[[0.6, 0.6]], [0], /sum to 1.2/],
    [[[1.1, -0.1]], [0], /probability 1 is negative/],
    [[[NaN, 1]], [0], /probability 0 is not a finite number/],
    [[[Infinity, 0]], [0], /not a finite number/],
    [[[1]], [0], /at least 2 options, got 1/],
    [[[0.5, 0.5], [0.5, 0.5]], [0, 2], /row 1: gold index must be an integer in \[0, 1\], got 2/],
    [[[0.5, 0.5]], [0.5], /gold index must be an integer/],
  ])("rejects %j labels %j", (rows, labels, message) => {
    const e = errorOf(() => labelledSet(rows, labels));
    expect(e.code).toBe("BAD_INPUT");
    expect(e.message).toMatch(message);
  });

  it("names file and line when the caller gives them", () => {
    const b = new QuestionSetBuilder();
    const e = errorOf(() => b.add({ scores: [0.2, 0.2], label: 0 }, { file: "x.jsonl", line: 7 }));
    expect(e.message).toBe('x.jsonl:7, field "probs": probabilities sum to 0.4, not 1 (tolerance 0.000001)');
    expect(e.where).toEqual({ file: "x.jsonl", line: 7, field: "probs" });
  });

  it("refuses to mix labelled and top-label rows", () => {
    const b = new QuestionSetBuilder();
    b.add({ scores: [0.5, 0.5], label: 0 });
    expect(errorOf(() => b.add({ scores: [0.5, 0.5], correct: true })).message).toMatch(/missing gold index/);
  });

  it("normalises -0 to 0 (bucket sorting relies on non-negative bit patterns)", () => {
    const s = labelledSet([[-0, 1]], [1]);
    expect(Object.is(s.probs[0], 0)).toBe(true);
  });
});

describe("log-probabilities and logits", () => {
  it("softmaxes with max-subtraction (no overflow for huge logits)", () => {
    const p = softmax([1000, 1001]);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.E), 15);
    expect(p[1]).toBeCloseTo(Math.E / (1 + Math.E), 15);
  });

  it("treats -Infinity as probability 0 and rejects NaN, +Infinity and all -Infinity", () => {
    const s = labelledSet([[0, -Infinity, Math.log(3)]], [2], "logprobs");
    expect(s.probs[0]).toBeCloseTo(0.25, 15);
    expect(s.probs[1]).toBe(0);
    expect(s.probs[2]).toBeCloseTo(0.75, 15);
    expect(() => labelledSet([[NaN, 0]], [0], "logits")).toThrow(/entry 0 is not a number/);
    expect(() => labelledSet([[Infinity, 0]], [0], "logits")).toThrow(/\+Infinity/);
    expect(() => labelledSet([[-Infinity, -Infinity]], [0], "logits")).toThrow(/every entry is -Infinity/);
  });

  it("gives the same set for log-probabilities as for their probabilities", () => {
    const probs = [0.1, 0.2, 0.7];
    const a = labelledSet([probs], [2]);
    const b = labelledSet([probs.map(Math.log)], [2], "logprobs");
    for (let j = 0; j < 3; j++) expect(b.probs[j]).toBeCloseTo(a.probs[j], 15);
  });
});

describe("top-label sets", () => {
  it("takes confidence and correctness, with optional probabilities for entropy", () => {
    const s = topLabelSet([0.9, 0.4], [true, 0], [[0.9, 0.1], [0.4, 0.3, 0.3]]);
    expect(Array.from(s.correct)).toEqual([1, 0]);
    expect(s.rows?.maxK).toBe(3);
    expect(() => topLabelSet([1.2], [true])).toThrow(/confidence must be in \[0, 1\]/);
  });

  it("builder rows with `correct` and no label make a top-label set whose confidence is max p", () => {
    const b = new QuestionSetBuilder();
    b.add({ scores: [0.3, 0.7], correct: false });
    const s = b.build();
    expect(s.kind).toBe("top-label");
    if (s.kind === "top-label") expect(Array.from(s.confidence)).toEqual([0.7]);
  });
});

describe("subset", () => {
  it("keeps the chosen rows in the given order", () => {
    const s = labelledSet([[0.5, 0.5], [0.2, 0.3, 0.5], [0.9, 0.1]], [0, 1, 1]);
    const sub = subset(s, [2, 1]);
    expect(sub.kind).toBe("labelled");
    if (sub.kind !== "labelled") return;
    expect(Array.from(sub.probs)).toEqual([0.9, 0.1, 0.2, 0.3, 0.5]);
    expect(Array.from(sub.labels)).toEqual([1, 1]);
    expect(sub.maxK).toBe(3);
  });
});
