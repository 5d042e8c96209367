/**
 * Property tests, and agreement with the naive object-based implementation in testing/naive.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeMetrics, labelledSet, type LabelledSet, Rng, subset, topLabelSet } from "./index";
import { naiveAce, naiveBinnedErrors, type NaiveRow, naiveScalars, naiveSce, naiveSmece } from "./testing/naive";

/** Rows from integer weights: probabilities with ties, zeros and exact edge values (0.25, 0.5, 1). */
const tiedRow = fc
  .array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 10 })
  .map((w) => (w.some((x) => x > 0) ? w : [1, ...w.slice(1)]))
  .map((w) => {
    const s = w.reduce((a, b) => a + b);
    return w.map((x) => x / s);
  });

/** Rows from continuous weights: no ties (almost surely). */
const smoothRow = fc.array(fc.double({ min: 0.001, max: 10, noNaN: true }), { minLength: 2, maxLength: 10 }).map((w) => {
  const s = w.reduce((a, b) => a + b);
  return w.map((x) => x / s);
});

const question = (row: fc.Arbitrary<number[]>) => row.chain((p) => fc.tuple(fc.constant(p), fc.nat({ max: p.length - 1 })));
const questions = (row: fc.Arbitrary<number[]>, max = 60) => fc.array(question(row), { minLength: 1, maxLength: max });

const toSet = (qs: [number[], number][]) => labelledSet(qs.map((q) => q[0]), qs.map((q) => q[1]));
const toNaive = (qs: [number[], number][]): NaiveRow[] => qs.map(([probs, label]) => ({ probs, label }));

describe("agreement with the naive implementation", { timeout: 120_000 }, () => {
  it("every metric, both binnings, variable K, ties", () => {
    fc.assert(
      fc.property(questions(fc.oneof(tiedRow, smoothRow)), fc.integer({ min: 1, max: 20 }), (qs, bins) => {
        const set = toSet(qs);
        const naive = toNaive(qs);
        const s = naiveScalars(naive);
        for (const binning of ["equal-width", "equal-mass"] as const) {
          const m = computeMetrics(set, { bins, binning });
          const e = naiveBinnedErrors(naive, bins, binning);
          expect(m.ece).toBeCloseTo(e.ece, 12);
          expect(m.rms).toBeCloseTo(e.rms, 12);
          expect(m.mce).toBeCloseTo(e.mce, 12);
          expect(m.reliability.map((b) => b.count)).toEqual(e.bins.map((b) => b.count));
          m.reliability.forEach((b, i) => {
            if (b.count === 0) expect(b.accuracy).toBeNull();
            else expect(b.accuracy).toBeCloseTo(e.bins[i].accuracy as number, 12);
          });
          expect(m.accuracy).toBeCloseTo(s.accuracy, 12);
          expect(m.confidence).toBeCloseTo(s.confidence, 12);
          expect(m.entropyBits).toBeCloseTo(s.entropyBits, 12);
          expect(m.brier).toBeCloseTo(s.brier as number, 12);
          expect(m.nll).toBeCloseTo(s.nll as number, 12);
          expect(m.sce).toBeCloseTo(naiveSce(naive, bins), 12);
          expect(m.ace).toBeCloseTo(naiveAce(naive, bins), 12);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("smECE (including the bandwidth search)", () => {
    fc.assert(
      fc.property(questions(smoothRow, 25), (qs) => {
        const m = computeMetrics(toSet(qs));
        const naive = toNaive(qs);
        const top = naive.map((r) => {
          let best = 0;
          r.probs.forEach((p, k) => {
            if (p > r.probs[best]) best = k;
          });
          return { c: r.probs[best], y: best === r.label ? 1 : 0 };
        });
        const e = naiveSmece(top.map((t) => t.c), top.map((t) => t.y));
        expect(m.smeceSigma).toBe(e.sigma);
        expect(m.smece).toBeCloseTo(e.smece, 12);
      }),
      { numRuns: 8 },
    );
  });
});

describe("properties", { timeout: 120_000 }, () => {
  it("ECE in [0, 1], RMS ≥ ECE and MCE ≥ RMS on the same bins", () => {
    fc.assert(
      fc.property(questions(fc.oneof(tiedRow, smoothRow)), fc.integer({ min: 1, max: 30 }), (qs, bins) => {
        for (const binning of ["equal-width", "equal-mass"] as const) {
          const m = computeMetrics(toSet(qs), { bins, binning });
          expect(m.ece).toBeGreaterThanOrEqual(0);
          expect(m.ece).toBeLessThanOrEqual(1);
          expect(m.rms).toBeGreaterThanOrEqual(m.ece - 1e-15);
          expect(m.mce).toBeGreaterThanOrEqual(m.rms - 1e-15);
          expect(m.sce as number).toBeGreaterThanOrEqual(0);
          expect(m.ace as number).toBeGreaterThanOrEqual(0);
          expect(m.smece).toBeGreaterThanOrEqual(0);
          expect(m.smece).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("is invariant under row order (equal-mass and ACE when there are no ties)", () => {
    fc.assert(
      fc.property(questions(smoothRow), fc.integer({ min: 1, max: 15 }), fc.nat(), (qs, bins, seed) => {
        const set = toSet(qs);
        const rng = new Rng(seed);
        const perm = qs.map((_, i) => i);
        for (let i = perm.length - 1; i > 0; i--) {
          const j = rng.nextInt(i + 1);
          [perm[i], perm[j]] = [perm[j], perm[i]];
        }
        const shuffled = subset(set, perm) as LabelledSet;
        for (const binning of ["equal-width", "equal-mass"] as const) {
          const a = computeMetrics(set, { bins, binning });
          const b = computeMetrics(shuffled, { bins, binning });
          for (const key of ["accuracy", "confidence", "entropyBits", "ece", "rms", "mce", "sce", "ace", "brier", "nll", "smece"] as const)
            expect(b[key] as number).toBeCloseTo(a[key] as number, 12);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("ECE → 0 as N grows on data drawn to be calibrated", () => {
    const ece = (n: number, seed: number) => {
      const rng = new Rng(seed);
      const conf: number[] = [];
      const correct: boolean[] = [];
      for (let i = 0; i < n; i++) {
        const c = rng.nextFloat();
        conf.push(c);
        correct.push(rng.nextFloat() < c);
      }
      return computeMetrics(topLabelSet(conf, correct)).ece;
    };
    for (const seed of [1, 2, 3]) {
      const small = ece(300, seed);
      const large = ece(200_000, seed);
      expect(large).toBeLessThan(0.01);
      expect(large).toBeLessThan(small);
    }
  });
});
