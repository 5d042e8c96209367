/** Macro vs micro averages: micro rebuilt from per-language bins equals the metrics of the pooled set. */
import { describe, expect, it } from "vitest";
import { type LanguageSummary, macroAverage, microAverage } from "./averages";
import { computeMetrics, type LabelledSet, labelledSet, Rng, subset } from "./index";

function summary(set: LabelledSet): LanguageSummary {
  const m = computeMetrics(set, { bins: 15, binning: "equal-width" });
  return {
    n: m.n,
    accuracy: m.accuracy,
    confidence: m.confidence,
    entropyBits: m.entropyBits,
    brier: m.brier,
    nll: m.nll,
    ece: m.ece,
    rms: m.rms,
    mce: m.mce,
    bins: m.reliability,
  };
}

describe("macro and micro averages", () => {
  it("hand example: two languages whose miscalibrations cancel when pooled", () => {
    // Language A: 10 rows at confidence 0.75, all right (under-confident by 0.25).
    // Language B: 30 rows at confidence 0.75, 15 right (over-confident by 0.25).
    // Per-language ECE 0.25 each → macro 0.25; pooled bin: 40 rows, 25 right (0.625) at 0.75 → micro 0.125.
    const a = labelledSet(Array.from({ length: 10 }, () => [0.75, 0.25]), new Array(10).fill(0));
    const b = labelledSet(Array.from({ length: 30 }, () => [0.75, 0.25]), Array.from({ length: 30 }, (_, i) => (i < 15 ? 0 : 1)));
    const langs = [summary(a), summary(b)];
    const macro = macroAverage(langs);
    const micro = microAverage(langs);
    expect(macro.ece).toBeCloseTo(0.25, 14);
    expect(micro.ece).toBeCloseTo(0.125, 14);
    expect(macro.accuracy).toBeCloseTo((1 + 0.5) / 2, 14);
    expect(micro.accuracy).toBeCloseTo(25 / 40, 14);
    expect(micro.n).toBe(40);
    expect(micro.languages).toBe(2);
  });
  it("micro equals computeMetrics on the pooled predictions (random data, three languages)", () => {
    const rng = new Rng("averages");
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 900; i++) {
      const z = [0, 1, 2, 3].map(() => rng.nextNormal() * (1 + (i % 3)));
      const e = z.map(Math.exp);
      const s = e.reduce((x, y) => x + y, 0);
      rows.push(e.map((v) => v / s));
      labels.push(rng.nextInt(4));
    }
    const all = labelledSet(rows, labels);
    const langs = [0, 1, 2].map((k) => summary(subset(all, Array.from({ length: 300 }, (_, i) => 3 * i + k)) as LabelledSet));
    const pooled = computeMetrics(all, { bins: 15, binning: "equal-width" });
    const micro = microAverage(langs);
    for (const k of ["accuracy", "confidence", "entropyBits", "brier", "nll", "ece", "rms", "mce"] as const)
      expect(micro[k]).toBeCloseTo(pooled[k] as number, 12);
    expect(macroAverage(langs).ece).toBeCloseTo((langs[0].ece + langs[1].ece + langs[2].ece) / 3, 14);
  });
  it("macro is null for a metric some language lacks", () => {
    const a = summary(labelledSet([[0.6, 0.4]], [0]));
    expect(macroAverage([a, { ...a, brier: null }]).brier).toBeNull();
    expect(microAverage([a, { ...a, brier: null }]).brier).toBeNull();
  });
});
