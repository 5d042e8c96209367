/** Holm and Benjamini–Hochberg against hand-computed values (and scipy.stats.false_discovery_control for BH). */
import { describe, expect, it } from "vitest";
import { adjustPValues, benjaminiHochberg, holm } from "./multiplicity";

const p = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5];

describe("p-value adjustment", () => {
  it("Holm: sorted p × (m, m−1, …), running maximum, capped at 1", () => {
    // sorted 0.005 0.01 0.03 0.04 0.2 0.5 × 6 5 4 3 2 1 = 0.03 0.05 0.12 0.12 0.4 0.5
    const out = Array.from(holm(p));
    [0.05, 0.12, 0.12, 0.03, 0.4, 0.5].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 14));
    expect(Array.from(holm([0.3, 0.4]))).toEqual([0.6, 0.6]);
    expect(Array.from(holm([0.9, 0.8]))).toEqual([1, 1]);
  });
  it("BH: sorted p × m/rank, running minimum from the top (scipy: [0.03, 0.06, 0.06, 0.03, 0.24, 0.5])", () => {
    const out = Array.from(benjaminiHochberg(p));
    [0.03, 0.06, 0.06, 0.03, 0.24, 0.5].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 14));
    expect(Array.from(adjustPValues(p, "bh"))).toEqual(out);
  });
  it("never lowers a p-value, keeps one p as is, and rejects values outside [0, 1]", () => {
    for (const f of [holm, benjaminiHochberg]) {
      f(p).forEach((v, i) => expect(v).toBeGreaterThanOrEqual(p[i]));
      expect(Array.from(f([0.02]))).toEqual([0.02]);
      expect(() => f([0.1, Number.NaN])).toThrow(/p-value 1/);
    }
  });
});
