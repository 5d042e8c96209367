import { describe, expect, it } from "vitest";
import { ReadAhead } from "./read-ahead";

async function* numbers(n: number, log: number[], failAt = -1): AsyncGenerator<number> {
  try {
    for (let i = 0; i < n; i++) {
      if (i === failAt) throw new Error(`bad item ${i}`);
      log.push(i);
      yield i;
    }
  } finally {
    log.push(-1); // closed
  }
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe("ReadAhead", () => {
  it("hands every item over in order, then the end (again on later calls)", async () => {
    const r = new ReadAhead(numbers(5, []), () => 1, 2);
    const got: number[] = [];
    for (let x = await r.next(); !x.done; x = await r.next()) got.push(x.value);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect((await r.next()).done).toBe(true);
  });

  it("reads ahead up to the bound, no further, while the consumer waits", async () => {
    const log: number[] = [];
    const r = new ReadAhead(numbers(100, log), (x) => (x === 0 ? 3 : 1), 5);
    for (let i = 0; i < 10; i++) await tick();
    expect(log).toEqual([0, 1, 2]); // 3 + 1 + 1 reaches the bound of 5
    expect((await r.next()).value).toBe(0);
    for (let i = 0; i < 10; i++) await tick();
    expect(log).toEqual([0, 1, 2, 3, 4, 5]);
    r.stop();
  });

  it("throws the source's error after the items before it", async () => {
    const r = new ReadAhead(numbers(10, [], 2), () => 1, 100);
    expect((await r.next()).value).toBe(0);
    expect((await r.next()).value).toBe(1);
    await expect(r.next()).rejects.toThrow("bad item 2");
  });

  it("stop() closes the source and ends the items", async () => {
    const log: number[] = [];
    const r = new ReadAhead(numbers(100, log), () => 1, 3);
    expect((await r.next()).value).toBe(0);
    r.stop();
    for (let i = 0; i < 10; i++) await tick();
    expect(log.at(-1)).toBe(-1);
    expect((await r.next()).done).toBe(true);
  });
});
