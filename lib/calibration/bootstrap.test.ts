import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResampleEngine } from "./resample";
import { mixedSet } from "./testing/mixed-set";
import {
  bootstrapIntervals,
  type CalibrationInput,
  computeMetrics,
  labelledSet,
  MetricEngine,
  METRIC_NAMES,
  metricValue,
  pairedBootstrap,
  quantileSorted,
  Rng,
  subset,
  topLabelSet,
} from "./index";

function randomSet(seed: number, n: number, k: number): CalibrationInput {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = Array.from({ length: k }, () => Math.exp(1.5 * rng.nextNormal()));
    const s = w.reduce((a, b) => a + b);
    rows.push(w.map((x) => x / s));
    labels.push(rng.nextInt(k));
  }
  return labelledSet(rows, labels);
}

describe("resampling", { timeout: 120_000 }, () => {
  it("nextInt is uniform enough and in range", () => {
    const rng = new Rng("u");
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[rng.nextInt(7)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const v = rng.nextInt(3_000_000);
      expect(v >= 0 && v < 3_000_000 && Number.isInteger(v)).toBe(true);
    }
  });

  it("weighted metrics equal the metrics of the expanded sample in row order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 5 }), fc.nat(), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 8 }),
        (spec, bins) => {
          // integer weights → probabilities with many ties and exact edge values
          const rows = spec.map(([w]) => {
            const ww = w.some((x) => x > 0) ? w : w.map((_, j) => (j === 0 ? 1 : 0));
            const s = ww.reduce((a, b) => a + b);
            return ww.map((x) => x / s);
          });
          const labels = spec.map(([w, y]) => y % w.length);
          const weights = Int32Array.from(spec, ([, , m]) => m);
          if (weights.every((m) => m === 0)) weights[0] = 1;
          const set = labelledSet(rows, labels);
          const expandedIds: number[] = [];
          weights.forEach((m, i) => {
            for (let r = 0; r < m; r++) expandedIds.push(i);
          });
          const engine = new MetricEngine(set, bins);
          const weighted = engine.scalars(["equal-width", "equal-mass"], weights);
          const fast = new ResampleEngine(engine).scalars(["equal-width", "equal-mass"], weights);
          const expanded = new MetricEngine(subset(set, expandedIds), bins).scalars(["equal-width", "equal-mass"]);
          for (const b of ["equal-width", "equal-mass"] as const)
            for (const name of METRIC_NAMES) {
              const a = metricValue(weighted, name, b) as number;
              const e = metricValue(expanded, name, b) as number;
              expect(Math.abs(a - e), `${name} ${b}`).toBeLessThan(1e-12);
              // the bootstrap's fused loop performs the same sums in the same order
              expect(metricValue(fast, name, b), `${name} ${b} (fused)`).toBe(a);
            }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("blocked equal-mass walks", { timeout: 60_000 }, () => {
  // Many blocks of 512 (the block size), mixed option counts (classes 3–5 have fewer rows) and many ties (values
  // rounded to 1/20), so that groups cut through blocks and tied runs: the blocked walk must find the same groups.

  it.each([
    [1, 20_000, 15],
    [2, 3_000, 7],
    [3, 700, 40],
  ])("seed %i, %i rows, %i bins: the same metrics as walking every entry (≤ 1e-12)", (seed, n, bins) => {
    const set = mixedSet(seed, n);
    const engine = new MetricEngine(set, bins);
    const blocked = new ResampleEngine(engine);
    const walked = new ResampleEngine(engine, { blocks: false });
    const rng = new Rng(seed + 100);
    const w = new Int32Array(n);
    for (let r = 0; r < 5; r++) {
      w.fill(0);
      for (let i = 0; i < n; i++) w[rng.nextInt(n)]++;
      const a = blocked.scalars(["equal-width", "equal-mass"], w);
      const b = walked.scalars(["equal-width", "equal-mass"], w);
      const reference = engine.scalars(["equal-width", "equal-mass"], w);
      for (const binning of ["equal-width", "equal-mass"] as const)
        for (const name of METRIC_NAMES) {
          const x = metricValue(a, name, binning) as number;
          expect(Math.abs(x - (metricValue(b, name, binning) as number)), `${name} ${binning}`).toBeLessThan(1e-12);
          expect(metricValue(b, name, binning), `${name} ${binning} (walk = reference)`).toBe(metricValue(reference, name, binning));
        }
    }
  });
});

describe("bootstrap intervals", { timeout: 60_000 }, () => {
  const set = randomSet(5, 400, 4);

  it("are reproducible for a seed and differ between seeds", () => {
    const a = bootstrapIntervals(set, { resamples: 40, seed: "run 1/de" });
    const b = bootstrapIntervals(set, { resamples: 40, seed: "run 1/de" });
    const c = bootstrapIntervals(set, { resamples: 40, seed: "run 1/fr" });
    expect(a).toEqual(b);
    expect(a["equal-width"]?.ece).not.toEqual(c["equal-width"]?.ece);
  });

  it("cover every metric for both binnings and bracket the estimate", () => {
    const iv = bootstrapIntervals(set, { resamples: 100, seed: 3 });
    for (const binning of ["equal-width", "equal-mass"] as const) {
      const m = computeMetrics(set, { binning });
      for (const name of METRIC_NAMES) {
        const [lo, hi] = iv[binning]?.[name] as [number, number];
        expect(lo).toBeLessThanOrEqual(hi);
        const v = m[name] as number;
        // a percentile interval need not contain the estimate for biased metrics (ECE is biased
        // upwards), but it must be near it
        expect(v).toBeGreaterThan(lo - (hi - lo));
        expect(v).toBeLessThan(hi + (hi - lo));
      }
    }
    expect(iv["equal-width"]?.ece).not.toEqual(iv["equal-mass"]?.ece);
    expect(iv["equal-width"]?.sce).toEqual(iv["equal-mass"]?.sce);
  });

  it("leave classwise metrics out for top-label sets", () => {
    const t = topLabelSet([0.9, 0.8, 0.7, 0.6, 0.95], [true, false, true, true, false]);
    const iv = bootstrapIntervals(t, { resamples: 20 })["equal-width"];
    expect(Object.keys(iv ?? {}).sort()).toEqual(["accuracy", "confidence", "ece", "mce", "overconfidence", "rms", "smece"]);
  });

  it("percentiles interpolate linearly between order statistics (numpy default)", () => {
    const s = [1, 2, 3, 4, 5];
    expect(quantileSorted(s, 0.025)).toBeCloseTo(1.1, 14);
    expect(quantileSorted(s, 0.975)).toBeCloseTo(4.9, 14);
    expect(quantileSorted(s, 0.5)).toBe(3);
  });
});

describe("paired bootstrap", { timeout: 60_000 }, () => {
  it("finds no difference between a run and itself", () => {
    const set = randomSet(9, 200, 4);
    const r = pairedBootstrap(set, set, { resamples: 50, seed: 1 });
    expect(r.ece?.difference).toBe(0);
    expect(r.ece?.interval).toEqual([0, 0]);
    expect(r.ece?.pValue).toBe(1);
  });

  it("detects a clear difference", () => {
    const n = 600;
    const rng = new Rng(2);
    const conf: number[] = [];
    const correct: boolean[] = [];
    for (let i = 0; i < n; i++) {
      conf.push(0.5 + 0.5 * rng.nextFloat());
      correct.push(rng.nextFloat() < conf[i]);
    }
    const calibrated = topLabelSet(conf, correct);
    const overconfident = topLabelSet(
      conf.map((c) => Math.min(1, c + 0.2)),
      correct,
    );
    const r = pairedBootstrap(overconfident, calibrated, { resamples: 200, seed: 4 });
    expect(r.ece?.difference).toBeGreaterThan(0.1);
    expect(r.ece?.pValue).toBeLessThan(0.02);
    expect(r.accuracy?.difference).toBe(0);
  });

  it("needs the same questions", () => {
    expect(() => pairedBootstrap(randomSet(1, 10, 2), randomSet(1, 11, 2))).toThrow(/same questions/);
  });
});
