/** Macro vs micro averages: micro rebuilt from per-language bins equals the metrics of the pooled set. */
import { describe, expect, it } from "vitest";
import { type LanguageSummary, macroAverage, microAverage, microEqualMass } from "./averages";
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

describe("pooled (micro) equal-mass errors", () => {
  // Three languages (120, 77, 203 questions), confidences in hundredths with many ties (75 distinct values
  // over 400 rows, so tied rows straddle group edges). The same data in NumPy (numpy 2, /usr/bin/python3):
  //   pct = [25 + (75 * ((i * 7919 + s * 104729) % 1009)) // 1009 for i in range(n)]; conf = np.array(pct) / 100
  //   corr = [1 if (i * 31 + s * 17) % 100 < pct[i] - 10 * s else 0 for i in range(n)]   # s = 0, 1, 2
  //   c, y = concatenated; o = np.argsort(c, kind="stable"); groups = np.array_split(o, M)
  //   ece = Σ len(g)/N·|mean y[g] − mean c[g]|; rms = sqrt(Σ len(g)/N·(…)²); mce = max |…|
  const lang = (s: number, n: number) => {
    const confidence: number[] = [];
    const correct: number[] = [];
    for (let i = 0; i < n; i++) {
      const pct = 25 + Math.floor((75 * ((i * 7919 + s * 104729) % 1009)) / 1009);
      confidence.push(pct / 100);
      correct.push((i * 31 + s * 17) % 100 < pct - 10 * s ? 1 : 0);
    }
    return { confidence, correct };
  };
  const langs = [lang(0, 120), lang(1, 77), lang(2, 203)];

  it("matches NumPy (stable argsort + array_split) at 15 and 7 bins", () => {
    const m15 = microEqualMass(langs, 15);
    expect(m15.n).toBe(400);
    expect(m15.ece).toBeCloseTo(0.13524999999999998, 12);
    expect(m15.rms).toBeCloseTo(0.14905753779212094, 12);
    expect(m15.mce).toBeCloseTo(0.2581481481481482, 12);
    const m7 = microEqualMass(langs, 7);
    expect(m7.ece).toBeCloseTo(0.1224, 12);
    expect(m7.rms).toBeCloseTo(0.13746311142419207, 12);
    expect(m7.mce).toBeCloseTo(0.1801754385964911, 12);
  });

  it("is the metric of the concatenated sample, not a mean of per-language values", () => {
    const single = microEqualMass([{ confidence: langs.flatMap((l) => l.confidence), correct: langs.flatMap((l) => l.correct) }], 15);
    expect(single.ece).toBe(microEqualMass(langs, 15).ece);
    const meanEce = langs.reduce((s, l) => s + microEqualMass([l], 15).ece, 0) / langs.length;
    expect(Math.abs(meanEce - single.ece)).toBeGreaterThan(1e-3);
  });

  it("rejects empty input and mismatched columns", () => {
    expect(() => microEqualMass([], 15)).toThrow(RangeError);
    expect(() => microEqualMass([{ confidence: [0.5], correct: [] }], 15)).toThrow(/differ in length/);
  });
});
