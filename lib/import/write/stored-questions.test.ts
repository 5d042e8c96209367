import { describe, expect, it } from "vitest";
import { BinaryRowReader, BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from "../../db/copy-binary";
import { LoadedQuestions, StoredQuestions } from "./stored-questions";

/** A column's values for the entries (columns have room for more). */
const column = (q: StoredQuestions, c: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }) => Array.from(c.subarray(0, q.size));

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

describe("StoredQuestions's hash index", () => {
  /** 3,000 new ids added in one order, then looked up in another (the index, not the cursor). */
  function check(maxProbe?: number) {
    const q = new StoredQuestions(maxProbe);
    const ids = Array.from({ length: 3_000 }, (_, i) => (i % 7 === 0 ? `é${i}😀` : `q-${i}`));
    for (const [i, ext] of ids.entries()) {
      expect(q.find(ext)).toBe(-1); // each a miss first, as an import of new questions looks them up
      expect(q.add(ext, i + 1, 4, 0)).toBe(i);
    }
    const shuffled = ids.map((_, i) => (i * 1_237) % ids.length);
    expect(shuffled.map((i) => q.find(ids[i]))).toEqual(shuffled);
    expect(q.find("q-3000")).toBe(-1);
    expect(q.find("q-1")).toBe(1);
    expect(q.find("")).toBe(-1);
  }

  it("finds every id, through growth of the table", () => check());

  it("gives way to a Map when probing runs long (ids chosen to collide), with the same answers", () => {
    check(0); // every occupied first slot counts as a long run
    check(1);
  });
});

describe("StoredQuestions.sortById", () => {
  it("puts questions read out of id order in id order, every column with its entry", () => {
    const q = new StoredQuestions();
    [["c", 30, 4, 2], ["a", 10, 5, -1], ["b", 20, 3, 0]].forEach(([e, id, k, g]) => q.add(e as string, id as number, k as number, g as number));
    expect(q.sortById()).toBe(true);
    expect(q.externalIds).toEqual(["a", "b", "c"]);
    expect(column(q, q.ids)).toEqual([10, 20, 30]);
    expect(column(q, q.optionCounts)).toEqual([5, 3, 4]);
    expect(column(q, q.golds)).toEqual([-1, 0, 2]);
    expect(["a", "b", "c"].map((x) => q.find(x))).toEqual([0, 1, 2]);
    expect(q.find("c")).toBe(2); // through the index, after a miss of the cursor
  });

  it("leaves questions already in id order as they are", () => {
    const q = stored(["x", "y", "z"]);
    expect(q.sortById()).toBe(false);
    expect(q.externalIds).toEqual(["x", "y", "z"]);
    expect(column(q, q.ids)).toEqual([100, 101, 102]);
  });
});

describe("LoadedQuestions (a language's stored questions from the binary COPY)", () => {
  /** The questions as the COPY in loadStoredQuestions sends them: external id, id, option count, gold or -1. */
  function load(rows: [string, number, number, number][], chunk = 7): StoredQuestions {
    const w = new BinaryRowWriter();
    for (const [ext, id, k, gold] of rows) w.row(4).text(ext).int4(id).int4(k).int4(gold);
    const bytes = Buffer.concat([COPY_BINARY_HEADER, w.take(), COPY_BINARY_TRAILER]);
    const loaded = new LoadedQuestions();
    const reader = new BinaryRowReader((t) => loaded.add(t));
    for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk)); // tuples cut anywhere
    reader.end();
    const q = new StoredQuestions();
    loaded.into(q);
    return q;
  }

  it("keeps every question across its columns' growth, ids of every UTF-8 width, and sorts them by id", () => {
    const widths = ["q", "é", "問", "😀", "ክ", "𝔘"];
    const n = 5_000;
    // Ids descending, so the load is out of id order; external ids of 1- to 4-byte characters, some empty.
    const rows = Array.from({ length: n }, (_, i): [string, number, number, number] => [
      i % 997 === 0 ? `${i}` : `${widths[i % 6]}${i}${widths[(i * 5) % 6]}`,
      n - i,
      2 + (i % 9),
      (i % 3) - 1,
    ]);
    const q = load(rows, 4_093);
    expect(q.size).toBe(n);
    expect(q.sortById()).toBe(true);
    const byId = [...rows].reverse();
    expect(q.externalIds).toEqual(byId.map((r) => r[0]));
    expect(column(q, q.ids)).toEqual(byId.map((r) => r[1]));
    expect(column(q, q.optionCounts)).toEqual(byId.map((r) => r[2]));
    expect(column(q, q.golds)).toEqual(byId.map((r) => r[3]));
    expect(byId.map((r) => q.find(r[0]))).toEqual(byId.map((_, k) => k)); // the cursor, all the way
    expect(q.find(byId[17][0])).toBe(17); // the Map
    expect(q.find(`${byId[17][0]}x`)).toBe(-1);
  });

  it("reads tuples cut at any byte", () => {
    const rows: [string, number, number, number][] = [["a😀", 1, 4, 0], ["", 2, 4, -1], ["問題", 3, 2, 1]];
    const q = load(rows, 1);
    expect(q.externalIds).toEqual(["a😀", "", "問題"]);
    expect(q.sortById()).toBe(false);
  });
});
