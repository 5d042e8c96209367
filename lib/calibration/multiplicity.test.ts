/** Holm and Benjamini–Hochberg against hand-computed values (and scipy.stats.false_discovery_control for BH). */
import { describe, expect, it } from "vitest";
import { adjustPValues, benjaminiHochberg, holm, holmWithinFamilies } from "./multiplicity";

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

describe("Holm within families", () => {
  it("adjusts each family on its own (hand-computed) and waits for a family's last test", () => {
    // Family A, m = 4: sorted 0.005, 0.01, 0.03, 0.04 → 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06,
    // max(0.06, 1·0.04) = 0.06. Family C, m = 1: unchanged. Family B has a test pending: no adjusted value.
    const items = [
      { family: "A", p: 0.01 },
      { family: "B", p: 0.2 },
      { family: "A", p: 0.04 },
      { family: "C", p: 0.5 },
      { family: "A", p: 0.03 },
      { family: "B", p: null },
      { family: "A", p: 0.005 },
    ];
    const out = holmWithinFamilies(items);
    const want = [0.03, null, 0.06, 0.5, 0.06, null, 0.02];
    out.forEach((v, i) => (want[i] === null ? expect(v, `item ${i}`).toBeNull() : expect(v, `item ${i}`).toBeCloseTo(want[i] as number, 15)));
  });
  it("caps at 1 and rejects p outside [0, 1]", () => {
    expect(holmWithinFamilies([{ family: "x", p: 0.6 }, { family: "x", p: 0.7 }])).toEqual([1, 1]);
    expect(() => holmWithinFamilies([{ family: "x", p: 1.5 }])).toThrow(RangeError);
  });
});
