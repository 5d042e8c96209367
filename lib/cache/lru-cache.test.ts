import { describe, expect, it } from "vitest";
import { LruCache } from "./lru-cache";

describe("LruCache", () => {
  it("evicts the least recently used entry past maxEntries", () => {
    const c = new LruCache<number>({ maxEntries: 2 });
    c.set("a", 1);
    c.set("b", 2);
    expect(c.get("a")).toBe(1); // a is now the most recent
    c.set("c", 3);
    expect(c.has("b")).toBe(false);
    expect(c.get("a")).toBe(1);
    expect(c.get("c")).toBe(3);
    expect(c.size).toBe(2);
  });

  it("bounds bytes and refuses a value larger than the budget", () => {
    const c = new LruCache<string>({ maxEntries: 100, maxBytes: 10, sizeOf: (s) => s.length });
    c.set("a", "xxxx");
    c.set("b", "yyyy");
    expect(c.totalBytes).toBe(8);
    c.set("c", "zzzz");
    expect(c.has("a")).toBe(false);
    expect(c.totalBytes).toBe(8);
    c.set("big", "x".repeat(11));
    expect(c.has("big")).toBe(false);
    expect(c.totalBytes).toBe(8);
    c.set("b", "yy"); // replacing an entry replaces its bytes
    expect(c.totalBytes).toBe(6);
  });

  it("keeps entries that are not evictable past the bound", () => {
    const c = new LruCache<{ done: boolean }>({ maxEntries: 1, evictable: (v) => v.done });
    c.set("running", { done: false });
    c.set("other", { done: false });
    expect(c.size).toBe(2); // nothing may go
    c.set("finished", { done: true }); // over the bound: the only evictable entry goes
    expect(c.has("finished")).toBe(false);
    expect(c.has("running") && c.has("other")).toBe(true);
  });

  it("computes once for concurrent callers and stores the value", async () => {
    const c = new LruCache<number>({ maxEntries: 4 });
    let calls = 0;
    let release!: (v: number) => void;
    const compute = () => {
      calls++;
      return new Promise<number>((r) => (release = r));
    };
    const a = c.getOrCompute("k", compute);
    const b = c.getOrCompute("k", compute);
    await Promise.resolve();
    release(7);
    expect(await a).toBe(7);
    expect(await b).toBe(7);
    expect(calls).toBe(1);
    expect(await c.getOrCompute("k", compute)).toBe(7);
    expect(calls).toBe(1);
  });

  it("does not store a rejection or a value `keep` refuses", async () => {
    const c = new LruCache<number | null>({ maxEntries: 4 });
    await expect(c.getOrCompute("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(c.has("k")).toBe(false);
    expect(await c.getOrCompute("k", async () => 1)).toBe(1);
    expect(await c.getOrCompute("n", async () => null, (v) => v !== null)).toBe(null);
    expect(c.has("n")).toBe(false);
  });
});
