import { describe, expect, it } from "vitest";
import { mapInOrder } from "./map-in-order";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("mapInOrder", () => {
  it("keeps input order and never has more than `depth` calls in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapInOrder([30, 5, 20, 1, 10], 2, async (ms, i) => {
      most = Math.max(most, ++inFlight);
      await sleep(ms);
      inFlight--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
  });

  it("starts nothing new after a failure, waits for the calls in flight, throws the first error", async () => {
    const started: number[] = [];
    let finished = 0;
    const run = mapInOrder([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      if (i === 1) throw new Error("boom");
      await sleep(20);
      finished++;
      return i;
    });
    await expect(run).rejects.toThrow("boom");
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1); // item 0 ran to its end before the rejection surfaced
  });

  it("handles an empty list", async () => {
    expect(await mapInOrder([], 2, async (x) => x)).toEqual([]);
  });
});
