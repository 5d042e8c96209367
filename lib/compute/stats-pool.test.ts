import { describe, expect, it } from "vitest";
import { STATS_POOL_MIN_PREDICTIONS, statsThreads, withStatsPool } from "./stats-pool";

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
