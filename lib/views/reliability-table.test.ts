import { describe, expect, it } from "vitest";
import { computeMetrics, labelledSet, Rng } from "@/lib/calibration";
import type { ReliabilityData, StatsRow } from "@/lib/db/queries/reliability";
import { packBins, resolveBins } from "./reliability-view";
import { BIN_MEASURES, PANEL_MEASURES, RELIABILITY_COLUMNS, reliabilityRows } from "./reliability-table";

function statsRow(model: string, language: string, runId: number, seed: string): StatsRow {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 500; i++) {
    const p = 0.25 + 0.7 * rng.nextFloat();
    rows.push([p, (1 - p) / 3, (1 - p) / 3, (1 - p) / 3]);
    labels.push(rng.nextFloat() < p ? 0 : 1 + rng.nextInt(3));
  }
  const m = computeMetrics(labelledSet(rows, labels), { bins: 15, binning: "equal-width" });
  return {
    runId, model, language, bins: 15, n: 500, ece: m.ece, rms: m.rms, mce: m.mce, smece: 0.0123,
    reliability: packBins(m.reliability, "equal-width"), smoothCurve: null,
  };
}

const data: ReliabilityData = {
  benchmark: "B",
  binning: "equal-width",
  storedBins: [15],
  series: [
    { model: "base", family: "F", sftDataset: null, smoothing: null, base: null, label: "base (base)" },
    { model: "tuned", family: "F", sftDataset: "S", smoothing: 0.1, base: "base", label: "tuned (S, β=0.1)" },
  ],
  languages: [
    { code: "sw", name: "Swahili", script: "Latn", resourceClass: 2 },
    { code: "ar", name: "Arabic", script: "Arab", resourceClass: 5 },
  ],
  // "tuned" has no Arabic stats: that panel has no rows for it.
  stats: { base: { sw: statsRow("base", "sw", 1, "a"), ar: statsRow("base", "ar", 2, "b") }, tuned: { sw: statsRow("tuned", "sw", 3, "c") } },
  models: [],
  allLanguages: [],
};

describe("reliability tidy table", () => {
  it("has one row per bin × measure and per panel metric, for each run × language with stats", () => {
    const rows = reliabilityRows(data, 15);
    expect(rows).toHaveLength(3 * (15 * BIN_MEASURES.length + PANEL_MEASURES.length));
    for (const r of rows) expect(Object.keys(r).sort()).toEqual([...RELIABILITY_COLUMNS].sort());
    const tuned = rows.filter((r) => r.model === "tuned");
    expect(tuned.every((r) => r.language === "sw" && r.beta === "0.1" && r.base_model === "base" && r.run_id === 3)).toBe(true);
    // at the stored count, the panel metrics are the stored ones
    const ece = rows.find((r) => r.run_id === 2 && r.measure === "ece")!;
    expect(Number(ece.value)).toBeCloseTo(data.stats.base.ar.ece, 12);
    expect(ece.bin).toBeNull();
    const counts = rows.filter((r) => r.run_id === 1 && r.measure === "count").map((r) => Number(r.value));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(500);
  });

  it("merges bins exactly to a coarser count, with Wilson intervals around each accuracy", () => {
    const rows = reliabilityRows(data, 5).filter((r) => r.run_id === 1);
    const bins = [...new Set(rows.filter((r) => r.bin !== null).map((r) => r.bin))];
    expect(bins).toEqual([0, 1, 2, 3, 4]);
    expect(rows.find((r) => r.bin === 4 && r.measure === "count")!.bins).toBe(5);
    expect(rows.find((r) => r.bin === 0)!.lower).toBe("0");
    expect(rows.find((r) => r.bin === 4)!.upper).toBe("1");
    for (const b of bins) {
      const v = (m: string) => rows.find((r) => r.bin === b && r.measure === m)!.value;
      if (v("count") === "0") continue;
      expect(Number(v("acc_lo"))).toBeLessThanOrEqual(Number(v("accuracy")));
      expect(Number(v("acc_hi"))).toBeGreaterThanOrEqual(Number(v("accuracy")));
    }
    // recomputed from the merged bins, not the stored 15-bin ECE
    expect(Number(rows.find((r) => r.measure === "ece")!.value)).not.toBeCloseTo(data.stats.base.sw.ece, 12);
  });

  it("resolves the bin count like the page: 15 by default, divisors for equal-width, an error naming the offer", () => {
    expect(resolveBins([15], "equal-width", undefined)).toEqual({ bins: 15, binCounts: [3, 5, 15] });
    expect(resolveBins([15], "equal-width", 5)).toMatchObject({ bins: 5 });
    expect(resolveBins([10], "equal-mass", undefined)).toEqual({ bins: 10, binCounts: [10] });
    expect(resolveBins([15], "equal-mass", 5)).toEqual({ error: expect.stringContaining("offers 15") });
  });
});
