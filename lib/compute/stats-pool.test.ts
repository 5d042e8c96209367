import { describe, expect, it } from "vitest";
import { startStatsPool, STATS_POOL_MIN_PREDICTIONS, statsThreads, withStatsPool } from "./stats-pool";

describe("withStatsPool", () => {
  const size = (predictions: number, env: Record<string, string>) => withStatsPool(predictions, async (pool) => pool?.size ?? 0, env);

  it("starts ATLAS_STATS_THREADS threads (default one per core) for large statistics only", async () => {
    expect(statsThreads({})).toBeGreaterThanOrEqual(1);
    expect(await size(1_000_000, { ATLAS_STATS_THREADS: "3" })).toBe(3);
    expect(await size(STATS_POOL_MIN_PREDICTIONS - 1, { ATLAS_STATS_THREADS: "3" })).toBe(0);
    expect(await size(1_000_000, { ATLAS_STATS_THREADS: "1" })).toBe(0);
    expect(await size(1_000_000, { ATLAS_STATS_THREADS: "0" })).toBe(0);
    expect(() => statsThreads({ ATLAS_STATS_THREADS: "-1" })).toThrow("ATLAS_STATS_THREADS");
  });

  it("uses a pool started beforehand only for statistics large enough for threads, and leaves it to its owner", async () => {
    const started = startStatsPool(STATS_POOL_MIN_PREDICTIONS, { ATLAS_STATS_THREADS: "2" })!;
    try {
      expect(await withStatsPool(1_000_000, async (pool) => pool, {}, started)).toBe(started);
      expect(await withStatsPool(STATS_POOL_MIN_PREDICTIONS - 1, async (pool) => pool, {}, started)).toBeUndefined();
      // still open: a task runs on it
      expect(await started.run({ kind: "stats-warm" })).toBeNull();
    } finally {
      await started.close();
    }
    expect(startStatsPool(STATS_POOL_MIN_PREDICTIONS - 1, { ATLAS_STATS_THREADS: "2" })).toBeNull();
  });

  it("closes the pool when the work fails, and passes the failure on", async () => {
    let closed = false;
    await expect(
      withStatsPool(
        1_000_000,
        async (pool) => {
          const close = pool!.close.bind(pool);
          pool!.close = async () => {
            closed = true;
            await close();
          };
          throw new Error("statistics failed");
        },
        { ATLAS_STATS_THREADS: "2" },
      ),
    ).rejects.toThrow("statistics failed");
    expect(closed).toBe(true);
  });
});
