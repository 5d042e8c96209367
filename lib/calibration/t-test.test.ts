import { describe, expect, it } from "vitest";
import { lnGamma, oneSampleTTest, pairedTTest, regularizedBeta, studentTCdf, studentTTwoSided, wilsonInterval } from "./index";

describe("regularized incomplete beta", () => {
  it("matches closed forms", () => {
    for (const x of [0.01, 0.3, 0.5, 0.77, 0.999]) {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 14); // uniform
      expect(regularizedBeta(x, 3, 1)).toBeCloseTo(x ** 3, 14); // I_x(a,1) = x^a
      expect(regularizedBeta(x, 1, 2)).toBeCloseTo(1 - (1 - x) ** 2, 14);
    }
    expect(regularizedBeta(0.5, 7.3, 7.3)).toBeCloseTo(0.5, 14); // symmetry
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });

  it("matches scipy.stats.beta.cdf", () => {
    expect(regularizedBeta(0.3, 2.5, 4)).toBeCloseTo(0.3521975859067672, 13);
    expect(regularizedBeta(0.2, 0.5, 30)).toBeCloseTo(0.9997316878523693, 13);
    expect(regularizedBeta(0.01, 50, 0.5) / 7.998227417904836e-102).toBeCloseTo(1, 10);
  });

  it("lnGamma of integers and halves", () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 10);
  });
});

describe("Student t distribution", () => {
  it("df = 1 is Cauchy and df = 2 has a closed form", () => {
    for (const t of [-30, -2, -0.5, 0, 0.3, 1, 4, 100]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 14);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 14);
    }
  });

  it("matches scipy.stats.t", () => {
    const cases: [number, number, number, number][] = [
      [2.228138851986, 10, 0.9749999999999883, 0.050000000000023255],
      [0.5, 3, 0.6742760175759245, 0.651447964848151],
      [-1.7, 7.5, 0.06503304917866852, 0.13006609835733704],
      [12, 4, 0.9998617857257485, 0.000276428548502973],
      [0.001, 30, 0.5003956321167575, 0.9992087357664851],
      [-40, 2, 0.0003122073360923703, 0.0006244146721847406],
      [3, 200, 0.9984784764430471, 0.003043047113905905],
    ];
    for (const [t, df, cdf, two] of cases) {
      expect(studentTCdf(t, df)).toBeCloseTo(cdf, 12);
      expect(studentTTwoSided(t, df) / two).toBeCloseTo(1, 10);
    }
  });

  it("approaches the normal distribution for large df", () => {
    expect(studentTCdf(1.959963984540054, 1e7)).toBeCloseTo(0.975, 6);
  });
});

describe("t-tests", () => {
  it("paired t-test matches scipy.stats.ttest_rel", () => {
    const a = [0.071, 0.064, 0.08, 0.052, 0.09, 0.077, 0.069, 0.058];
    const b = [0.06, 0.061, 0.071, 0.05, 0.079, 0.07, 0.066, 0.049];
    const r = pairedTTest(a, b);
    expect(r.t).toBeCloseTo(5.227100596426406, 11);
    expect(r.pValue).toBeCloseTo(0.0012163045351376515, 13);
    expect(r.df).toBe(7);
  });

  it("handles zero spread", () => {
    expect(oneSampleTTest([1, 1, 1]).pValue).toBe(0);
    expect(oneSampleTTest([0, 0, 0]).pValue).toBe(1);
    expect(() => oneSampleTTest([1])).toThrow(/at least 2/);
  });
});

describe("Wilson interval", () => {
  it("matches the textbook values", () => {
    const [lo0, hi0] = wilsonInterval(0, 10) as [number, number];
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775327998628892, 14);
    const [lo5, hi5] = wilsonInterval(5, 10) as [number, number];
    expect(lo5).toBeCloseTo(0.236593090512564, 14);
    expect(hi5).toBeCloseTo(0.7634069094874361, 14);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});
