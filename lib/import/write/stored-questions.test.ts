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

describe("StoredQuestions.sortById", () => {
  it("puts questions read out of id order in id order, every column with its entry", () => {
    const q = new StoredQuestions();
    [["c", 30, 4, 2], ["a", 10, 5, -1], ["b", 20, 3, 0]].forEach(([e, id, k, g]) => q.add(e as string, id as number, k as number, g as number));
    expect(q.sortById()).toBe(true);
    expect(q.externalIds).toEqual(["a", "b", "c"]);
    expect(q.ids).toEqual([10, 20, 30]);
    expect(q.optionCounts).toEqual([5, 3, 4]);
    expect(q.golds).toEqual([-1, 0, 2]);
    expect(["a", "b", "c"].map((x) => q.find(x))).toEqual([0, 1, 2]);
    expect(q.find("c")).toBe(2); // through the index, after a miss of the cursor
  });

  it("leaves questions already in id order as they are", () => {
    const q = stored(["x", "y", "z"]);
    expect(q.sortById()).toBe(false);
    expect(q.externalIds).toEqual(["x", "y", "z"]);
    expect(q.ids).toEqual([100, 101, 102]);
  });
});
