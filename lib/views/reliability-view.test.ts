import { describe, expect, it } from "vitest";
import { computeMetrics, labelledSet, Rng } from "@/lib/calibration";
import {
  availableBinCounts,
  binErrors,
  displayBins,
  packBins,
  packCurve,
  unpackBins,
  unpackCurve,
} from "./reliability-view";

function sample(n: number, seed: string) {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const logits = [0, 1, 2, 3].map(() => rng.nextNormal() * 1.5);
    const m = Math.max(...logits);
    const e = logits.map((x) => Math.exp(x - m));
    const s = e.reduce((a, b) => a + b, 0);
    rows.push(e.map((x) => x / s));
    labels.push(rng.nextInt(4));
  }
  return labelledSet(rows, labels);
}

describe("reliability bins", () => {
  const set = sample(3000, "bins");

  it("pack/unpack gives back exactly the stored bins (both binnings)", () => {
    for (const binning of ["equal-width", "equal-mass"] as const) {
      const bins = computeMetrics(set, { bins: 15, binning }).reliability;
      const packed = packBins(bins, binning);
      expect(unpackBins(JSON.parse(JSON.stringify(packed)))).toEqual(bins);
      // compact: most bins need 3 (equal-width) or 5 (equal-mass) numbers
      expect(packed.filter((p) => p.length === 8)).toHaveLength(0);
    }
  });

  it("falls back to the full tuple when a bin does not follow the library's conventions", () => {
    const bins = computeMetrics(set, { bins: 15 }).reliability;
    const odd = bins.map((b, i) => (i === 7 ? { ...b, accLo: 0.1 } : b));
    expect(unpackBins(packBins(odd, "equal-width"))).toEqual(odd);
  });

  it("merges equal-width bins exactly into their divisors", () => {
    expect(availableBinCounts([15], "equal-width")).toEqual([3, 5, 15]);
    expect(availableBinCounts([15], "equal-mass")).toEqual([15]);
    const stored = computeMetrics(set, { bins: 15 }).reliability;
    const direct = computeMetrics(set, { bins: 5 });
    const merged = displayBins(stored, 5);
    merged.forEach((b, i) => {
      const d = direct.reliability[i];
      expect(b.count).toBe(d.count);
      expect(b.accuracy).toBe(d.accuracy);
      expect(b.accLo).toBe(d.accLo);
      expect(b.accHi).toBe(d.accHi);
      expect(b.lower).toBeCloseTo(d.lower, 15);
      expect(b.upper).toBeCloseTo(d.upper, 15);
      expect(b.confidence).toBeCloseTo(d.confidence as number, 12);
    });
    const e = binErrors(merged);
    expect(e.ece).toBeCloseTo(direct.ece, 12);
    expect(e.rms).toBeCloseTo(direct.rms, 12);
    expect(e.mce).toBeCloseTo(direct.mce, 12);
  });

  it("packs the smooth curve on its uniform grid", () => {
    const curve = computeMetrics(set, { bins: 15 }).smoothCurve;
    const back = unpackCurve(packCurve(curve));
    expect(back.length).toBe(Math.ceil(curve.length / 2));
    back.forEach(([c, acc], i) => {
      expect(c).toBeCloseTo(curve[Math.min(2 * i, curve.length - 1)].c, 9);
      expect(acc).toBeCloseTo(curve[Math.min(2 * i, curve.length - 1)].acc, 4);
    });
  });
});
