/**
 * Hand-computed cases: every expected number below was worked out on paper from the formulas in
 * README.md ("Metrics") (the arithmetic is shown in the comments).
 */
import { describe, expect, it } from "vitest";
import { computeMetrics, labelledSet, topLabelSet } from "./index";

const close = (a: number | null, b: number) => expect(a).toBeCloseTo(b, 12);

// Case A: K = 2, M = 4.
//   row  probs       y  pred  c    correct  ew-bin (floor(4c))
//   r0   [0.9, 0.1]  0  0     0.9  yes      3
//   r1   [0.8, 0.2]  1  0     0.8  no       3
//   r2   [0.4, 0.6]  1  1     0.6  yes      2
//   r3   [0.5, 0.5]  1  0     0.5  no       2   (tie → lowest index; 4·0.5 = 2 → bin 2)
//   r4   [0.3, 0.7]  0  1     0.7  no       2
//   r5   [1.0, 0.0]  0  0     1.0  yes      3   (min(4, 3): no phantom bin)
const A = labelledSet(
  [[0.9, 0.1], [0.8, 0.2], [0.4, 0.6], [0.5, 0.5], [0.3, 0.7], [1, 0]],
  [0, 1, 1, 1, 0, 0],
);

describe("case A (K = 2, M = 4)", () => {
  const m = computeMetrics(A, { bins: 4 });

  it("top-label basics", () => {
    close(m.accuracy, 0.5);
    close(m.confidence, 4.5 / 6);
    close(m.overconfidence, 0.25);
  });

  it("equal-width ECE, RMS, MCE and bins", () => {
    // bin 2: {0.6✓, 0.5✗, 0.7✗} acc 1/3, conf 0.6; bin 3: {0.9✓, 0.8✗, 1.0✓} acc 2/3, conf 0.9
    // ECE = ½·|1/3 − 0.6| + ½·|2/3 − 0.9| = ½·(4/15) + ½·(7/30) = 0.25
    close(m.ece, 0.25);
    close(m.rms, Math.sqrt(0.5 * (4 / 15) ** 2 + 0.5 * (7 / 30) ** 2));
    close(m.mce, 4 / 15);
    expect(m.reliability.map((b) => b.count)).toEqual([0, 0, 3, 3]);
    expect(m.reliability[0]).toMatchObject({ lower: 0, upper: 0.25, accuracy: null, confidence: null, accLo: null });
    close(m.reliability[2].accuracy, 1 / 3);
    close(m.reliability[3].confidence, 0.9);
  });

  it("equal-mass ECE, RMS, MCE", () => {
    // sorted c: 0.5✗ 0.6✓ | 0.7✗ 0.8✗ | 0.9✓ | 1.0✓  (sizes 2, 2, 1, 1)
    // gaps 0.05, 0.75, 0.1, 0 → ECE = (2·0.05 + 2·0.75 + 0.1)/6 = 0.2833…
    const em = computeMetrics(A, { bins: 4, binning: "equal-mass" });
    close(em.ece, 1.7 / 6);
    close(em.rms, Math.sqrt((2 * 0.0025 + 2 * 0.5625 + 0.01) / 6));
    close(em.mce, 0.75);
    expect(em.reliability.map((b) => [b.count, b.lower, b.upper])).toEqual([
      [2, 0.5, 0.6],
      [2, 0.7, 0.8],
      [1, 0.9, 0.9],
      [1, 1, 1],
    ]);
    // sce and ace do not depend on the chosen binning
    close(em.sce, m.sce as number);
    close(em.ace, m.ace as number);
  });

  it("Brier, NLL, entropy", () => {
    // Brier rows: 0.02, 1.28, 0.32, 0.5, 0.98, 0 → 3.1/6
    close(m.brier, 3.1 / 6);
    close(m.nll, -(Math.log(0.9) + Math.log(0.2) + Math.log(0.6) + Math.log(0.5) + Math.log(0.3) + Math.log(1)) / 6);
    const H = (p: number) => -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
    close(m.entropyBits, (H(0.9) + H(0.8) + H(0.6) + 1 + H(0.7) + 0) / 6); // 0·log 0 = 0 for r5
  });

  it("SCE: equal-width bins over p_k", () => {
    // class 0, p0 → bin: .9→3 .8→3 .4→1 .5→2 .3→1 1→3; gold-is-0: r0, r4, r5
    //   bin1 {.4✗ .3✓}: |1 − 0.7| = 0.3; bin2 {.5✗}: 0.5; bin3 {.9✓ .8✗ 1✓}: |2 − 2.7| = 0.7 → 1.5/6
    // class 1, p1 → bin: .1→0 .2→0 .6→2 .5→2 .7→2 0→0; gold-is-1: r1, r2, r3
    //   bin0 {.1✗ .2✓ 0✗}: |1 − 0.3| = 0.7; bin2 {.6✓ .5✓ .7✗}: |2 − 1.8| = 0.2 → 0.9/6
    // SCE = (0.25 + 0.15)/2 = 0.2
    close(m.sce, 0.2);
  });

  it("ACE: equal-mass ranges over p_k", () => {
    // class 0 sorted: .3✓ .4✗ | .5✗ .8✗ | .9✓ | 1✓ → 0.15 + 0.65 + 0.1 + 0 = 0.9
    // class 1 sorted: 0✗ .1✗ | .2✓ .5✓ | .6✓ | .7✗ → 0.05 + 0.65 + 0.4 + 0.7 = 1.8
    // ACE = 2.7 / (K·R = 8)
    close(m.ace, 2.7 / 8);
  });
});

describe("variable K (3, 2, 3 options), M = R = 2", () => {
  // r0 [0.5, 0.3, 0.2] y=0 (✓, c .5); r1 [0.6, 0.4] y=1 (✗, c .6); r2 [0.1, 0.1, 0.8] y=2 (✓, c .8)
  const B = labelledSet([[0.5, 0.3, 0.2], [0.6, 0.4], [0.1, 0.1, 0.8]], [0, 1, 2]);
  const m = computeMetrics(B, { bins: 2 });

  it("SCE runs class k over the rows that have option k", () => {
    // class 0 (N=3): bin0 {.1✗}: 0.1, bin1 {.5✓ .6✗}: |1 − 1.1| = 0.1 → 0.2/3
    // class 1 (N=3): bin0 {.3✗ .4✓ .1✗}: |1 − 0.8| = 0.2 → 0.2/3
    // class 2 (N=2: r0, r2): bin0 {.2✗}: 0.2, bin1 {.8✓}: 0.2 → 0.4/2
    close(m.sce, (0.2 / 3 + 0.2 / 3 + 0.2) / 3);
  });

  it("ACE too, normalised by K·R", () => {
    // class 0 sorted .1✗ .5✓ | .6✗ → 0.2 + 0.6; class 1 .1✗ .3✗ | .4✓ → 0.2 + 0.6; class 2 .2✗ | .8✓ → 0.2 + 0.2
    close(m.ace, 2 / 6);
  });

  it("Brier sums over each row's own options", () => {
    close(m.brier, (0.38 + 0.72 + 0.06) / 3);
    close(m.accuracy, 2 / 3);
  });
});

describe("conventions", () => {
  it("argmax ties go to the lowest index", () => {
    const m = computeMetrics(labelledSet([[0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]], [0, 3]));
    close(m.accuracy, 0.5);
    close(m.confidence, 0.25);
    close(m.entropyBits, 2);
  });

  it("K = 10 uniform: c = 0.1 goes to bin floor(1.5) = 1, entropy log2 10", () => {
    const row = new Array(10).fill(0.1);
    const m = computeMetrics(labelledSet([row], [0]));
    expect(m.reliability[1].count).toBe(1);
    close(m.entropyBits, Math.log2(10));
    close(m.ece, 0.9);
    close(m.nll, Math.log(10));
    close(m.brier, 0.81 + 9 * 0.01);
  });

  it("confidence 0 and 1 (top-label input)", () => {
    const m = computeMetrics(topLabelSet([0, 1, 1, 0], [false, true, false, true]), { bins: 15 });
    expect(m.reliability[0].count).toBe(2);
    expect(m.reliability[14].count).toBe(2);
    expect(m.reliability.reduce((s, b) => s + b.count, 0)).toBe(4);
    close(m.ece, 0.5); // both bins |0.5 − conf| = 0.5
    expect(m.sce).toBeNull();
    expect(m.ace).toBeNull();
    expect(m.brier).toBeNull();
    expect(m.nll).toBeNull();
    expect(m.entropyBits).toBeNull(); // no probabilities given
  });

  it("all correct: ECE = 1 − mean confidence; all wrong: ECE = mean confidence", () => {
    const conf = [0.3, 0.55, 0.61, 0.9, 0.97, 1];
    const right = computeMetrics(topLabelSet(conf, conf.map(() => true)));
    const wrong = computeMetrics(topLabelSet(conf, conf.map(() => false)));
    const mean = conf.reduce((a, b) => a + b) / conf.length;
    close(right.ece, 1 - mean);
    close(wrong.ece, mean);
    close(wrong.mce, (0.97 + 1) / 2); // bin 14 holds 0.97 and 1
    close(right.accuracy, 1);
    close(wrong.overconfidence, mean);
  });

  it("NLL floors p_y at 1e-12", () => {
    const m = computeMetrics(labelledSet([[1, 0]], [1]));
    close(m.nll, -Math.log(1e-12));
    close(m.brier, 2);
  });

  it("reliability bins carry Wilson 95% intervals", () => {
    const m = computeMetrics(topLabelSet(new Array(10).fill(0.95), [true, ...new Array(9).fill(false)]), { bins: 10 });
    const b = m.reliability[9];
    expect(b.count).toBe(10);
    expect(b.accLo).toBeCloseTo(0.017876213095072868, 12);
    expect(b.accHi).toBeCloseTo(0.4041500267952385, 12);
  });
});
