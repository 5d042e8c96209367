import { describe, expect, it } from "vitest";
import { type CalibrationInput, labelledSet, pairedBootstrap, Rng, topLabelSet } from "./index";
import { BASIC_PAIRED_METRICS, pairedBootstrapBasic, pairFromText } from "./paired-basic";

/** Two paired runs over the same questions: b is a sharpened (over-confident) copy of a, with ties and mixed K. */
function pair(seed: number, n: number): [CalibrationInput, CalibrationInput] {
  const rng = new Rng(seed);
  const ra: number[][] = [];
  const rb: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = 2 + rng.nextInt(4);
    const w = Array.from({ length: k }, () => (rng.nextFloat() < 0.1 ? 1 : Math.exp(1.5 * rng.nextNormal())));
    const s = w.reduce((x, y) => x + y);
    ra.push(w.map((x) => x / s));
    const w2 = w.map((x) => x ** 1.6);
    const s2 = w2.reduce((x, y) => x + y);
    rb.push(w2.map((x) => x / s2));
    labels.push(rng.nextInt(k));
  }
  return [labelledSet(ra, labels), labelledSet(rb, labels)];
}

describe("pairedBootstrapBasic", { timeout: 120_000 }, () => {
  it("gives pairedBootstrap's numbers for ECE (equal-width), accuracy and entropy", () => {
    for (const [seed, n] of [
      [1, 50],
      [2, 700],
      [3, 1500],
    ]) {
      const [a, b] = pair(seed, n);
      const opts = { resamples: 60, seed: `s${seed}` };
      const full = pairedBootstrap(a, b, { ...opts, binning: "equal-width" });
      const basic = pairedBootstrapBasic(a, b, opts);
      expect(Object.keys(basic).sort()).toEqual([...BASIC_PAIRED_METRICS].sort());
      for (const m of BASIC_PAIRED_METRICS) {
        const x = full[m]!;
        const y = basic[m]!;
        expect(Math.abs(x.a - y.a)).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(x.b - y.b)).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(x.difference - y.difference)).toBeLessThanOrEqual(1e-12);
        // The same draws; pairedBootstrap's sorted-order engine adds the same terms in another order, so the
        // intervals agree to rounding and the p-values exactly.
        for (const k of [0, 1]) expect(Math.abs(y.interval[k] - x.interval[k])).toBeLessThanOrEqual(1e-12);
        expect(y.pValue).toBe(x.pValue);
      }
    }
  });

  it("works on top-label sets without probabilities (no entropy) and checks its inputs", () => {
    const rng = new Rng(5);
    const conf = Array.from({ length: 1000 }, () => 0.3 + 0.7 * rng.nextFloat());
    const ok = conf.map((c) => rng.nextFloat() < c);
    const a = topLabelSet(conf, ok);
    const b = topLabelSet(conf.map((c) => Math.min(1, c + 0.3)), ok);
    const full = pairedBootstrap(b, a, { resamples: 80, seed: 9, binning: "equal-width" });
    const basic = pairedBootstrapBasic(b, a, { resamples: 80, seed: 9 });
    expect(basic.entropyBits).toBeUndefined();
    for (const k of [0, 1]) expect(Math.abs(basic.ece!.interval[k] - full.ece!.interval[k])).toBeLessThanOrEqual(1e-12);
    expect(basic.ece!.pValue).toBeLessThan(0.05);
    expect(() => pairedBootstrapBasic(a, topLabelSet([0.5], [true]))).toThrow(/same questions/);
    expect(() => pairedBootstrapBasic(a, b, { resamples: 0 })).toThrow(/resamples/);
  });

  it("reads labelled rows from text exactly (shortest round-trip decimals, as Postgres prints float8)", () => {
    const rows = [
      [0.1, 0.2, 0.7],
      [1 / 3, 2 / 3],
      [0.25, 0.25, 0.25, 0.25],
    ];
    const gold = [2, 0, 1];
    const text = (rs: number[][]) => rs.map((r) => r.map(String).join(",")).join(";");
    const [a, b] = pairFromText({ a: text(rows), b: text(rows.map((r) => [...r].reverse())), gold: gold.join(",") });
    expect(a).toEqual(labelledSet(rows, gold));
    expect(b.n).toBe(3);
    expect(b).toEqual(labelledSet(rows.map((r) => [...r].reverse()), gold));
    expect(() => pairFromText({ a: text(rows), b: text(rows.slice(1)), gold: gold.join(",") })).toThrow(/rows/);
  });
});
