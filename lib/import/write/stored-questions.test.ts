import { describe, expect, it } from "vitest";
import { StoredQuestions } from "./stored-questions";

function stored(ids: string[]): StoredQuestions {
  const q = new StoredQuestions();
  ids.forEach((ext, i) => q.add(ext, 100 + i, 4, i % 4));
  q.stored = q.size;
  return q;
}

describe("StoredQuestions.find", () => {
  it("matches rows in the stored order, and any order after that", () => {
    const q = stored(["a", "b", "c", "d"]);
    expect(["a", "b", "c", "d"].map((x) => q.find(x))).toEqual([0, 1, 2, 3]);
    expect(["c", "a", "d", "b"].map((x) => q.find(x))).toEqual([2, 0, 3, 1]);
    expect(q.find("e")).toBe(-1);
  });

  it("resumes the stored order after a row out of it", () => {
    const q = stored(["a", "b", "c", "d", "e"]);
    expect(["c", "d", "e", "a", "b"].map((x) => q.find(x))).toEqual([2, 3, 4, 0, 1]);
  });

  it("finds questions added after a miss, and never returns an entry for another id", () => {
    const q = stored(["a", "b"]);
    expect(q.find("x")).toBe(-1);
    const k = q.add("x", 0, 4, 1);
    expect(q.find("x")).toBe(k);
    expect(q.find("b")).toBe(1);
    expect(q.find("x")).toBe(k);
    expect(q.find("y")).toBe(-1);
    expect(q.externalIds).toEqual(["a", "b", "x"]);
  });

  it("finds questions added before any miss (a language with nothing stored)", () => {
    const q = new StoredQuestions();
    const a = q.add("a", 0, 4, 0);
    const b = q.add("b", 0, 4, 0);
    expect(q.find("b")).toBe(b);
    expect(q.find("a")).toBe(a);
    expect(q.find("c")).toBe(-1);
  });
});
