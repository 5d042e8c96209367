/** Spearman's ρ against scipy.stats.spearmanr (values pasted from scipy 1.17.1), and its bootstrap. */
import { describe, expect, it } from "vitest";
import { averageRanks, spearmanRho, spearmanWithBootstrap } from "./spearman";

describe("Spearman's ρ", () => {
  it("ranks ties by their average position", () => {
    expect(Array.from(averageRanks([10, 20, 10, 30, 20, 20]))).toEqual([1.5, 4, 1.5, 6, 4, 4]);
  });
  it("matches scipy without ties: ρ = 1 − 6Σd²/(n(n²−1)) = 1 − 48/504", () => {
    const r = spearmanWithBootstrap([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 5, 8, 7], { resamples: 200, seed: 3 });
    expect(r.rho).toBeCloseTo(0.9047619047619048, 14);
    expect(r.pValue).toBeCloseTo(0.002008275505429469, 10);
  });
  it("matches scipy with ties in both variables", () => {
    const x = [0, 0, 1, 1, 2, 3, 3, 5];
    const y = [0.1, 0.3, 0.2, 0.5, 0.4, 0.4, 0.9, 0.7];
    expect(spearmanRho(x, y)).toBeCloseTo(0.7744478343717041, 14);
    expect(spearmanWithBootstrap(x, y).pValue).toBeCloseTo(0.024052872958048185, 10);
  });
  it("gives a reproducible percentile interval around ρ, dropping constant resamples", () => {
    const x = [0, 0, 1, 1, 2, 3, 3, 5];
    const y = [0.1, 0.3, 0.2, 0.5, 0.4, 0.4, 0.9, 0.7];
    const a = spearmanWithBootstrap(x, y, { resamples: 500, seed: "rho" });
    expect(spearmanWithBootstrap(x, y, { resamples: 500, seed: "rho" })).toEqual(a);
    expect(a.interval[0]).toBeLessThan(a.rho);
    expect(a.interval[1]).toBeGreaterThan(a.rho - 0.05);
    expect(a.interval[1]).toBeLessThanOrEqual(1);
    const tiny = spearmanWithBootstrap([0, 1, 2], [0, 1, 2], { resamples: 300, seed: 1 });
    expect(tiny.degenerate).toBeGreaterThan(0); // draws like (0, 0, 0)
    expect(tiny.interval).toEqual([1, 1]);
    expect(Number.isNaN(spearmanRho([1, 1, 1], [1, 2, 3]))).toBe(true);
  });
});
