/** Recalibration methods against hand-computed values, and the cross-validation's guarantees. */
import { describe, expect, it } from "vitest";
import {
  applyHistogram,
  applyIsotonic,
  crossValidate,
  eceByLanguage,
  eceOf,
  fitHistogram,
  fitIsotonic,
  fitTemperature,
  minimizeOnLogScale,
  questionFolds,
  type RecalibrationData,
  scaledConfidence,
  scaleProbabilities,
  type ScoreRows,
  temperatureNll,
} from "./index";
import { temperatureScanSums } from "./temperature";
import { Rng } from "../prng";

function scoreRows(rows: number[][]): ScoreRows {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (offsets[i + 1] = offsets[i] + r.length));
  return { n: rows.length, offsets, z: Float64Array.from(rows.flat()) };
}
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe("minimizeOnLogScale", () => {
  it("finds an interior minimum to the tolerance and flags one at a bound", () => {
    const m = minimizeOnLogScale((x) => (Math.log(x) - 1) ** 2, 0.02, 50);
    expect(Math.abs(m.x / Math.E - 1)).toBeLessThan(1e-8);
    expect(m.atBound).toBe(false);
    const b = minimizeOnLogScale((x) => x, 0.02, 50);
    expect(b.x).toBeCloseTo(0.02, 9);
    expect(b.atBound).toBe(true);
  });
  it("finds the global minimum of a two-dip function", () => {
    // dips at x = 0.1 (depth 1) and x = 10 (depth 2)
    const f = (x: number) => -Math.exp(-((Math.log(x) - Math.log(0.1)) ** 2) * 4) - 2 * Math.exp(-((Math.log(x) - Math.log(10)) ** 2) * 4);
    expect(minimizeOnLogScale(f, 0.02, 50).x).toBeCloseTo(10, 4);
  });
});

describe("temperature scaling", () => {
  // Four rows z = [2 ln 3, 0]: three have gold 0, one gold 1. p_0(T) = σ(2 ln 3 / T); the NLL is minimal
  // where p_0 = 3/4, i.e. 2 ln 3 / T = ln 3: T = 2, NLL = −(3/4 ln 3/4 + 1/4 ln 1/4).
  const a = 2 * Math.log(3);
  const scores = scoreRows([[a, 0], [a, 0], [a, 0], [a, 0]]);
  const labels = Int32Array.from([0, 0, 0, 1]);
  const best = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));

  it("fits T = 2 by hand on labelled rows", () => {
    const fit = fitTemperature(scores, { labels });
    expect(Math.abs(fit.temperature / 2 - 1)).toBeLessThan(1e-7); // the NLL is flat at its minimum: float64 resolves T to ~1e-8
    expect(fit.nll).toBeCloseTo(best, 12);
    expect(fit.atBound).toBe(false);
    // at T = 1: p_0 = 9/10
    expect(temperatureNll(scores, { labels }, 1)).toBeCloseTo(-(0.75 * Math.log(0.9) + 0.25 * Math.log(0.1)), 12);
  });
  it("fits the same T on top-label rows (binary NLL of the confidence)", () => {
    const fit = fitTemperature(scores, { correct: Uint8Array.from([1, 1, 1, 0]) });
    expect(Math.abs(fit.temperature / 2 - 1)).toBeLessThan(1e-7); // the NLL is flat at its minimum: float64 resolves T to ~1e-8
    expect(fit.nll).toBeCloseTo(best, 12);
  });
  it("runs to the upper bound when the answers are coin flips", () => {
    const fit = fitTemperature(scoreRows([[1, 0], [1, 0]]), { labels: Int32Array.from([0, 1]) });
    expect(fit.temperature).toBeCloseTo(50, 6);
    expect(fit.atBound).toBe(true);
  });
  it("scales probabilities and confidences; −Infinity stays at probability 0", () => {
    const s = scoreRows([[Math.log(4), 0, -Infinity]]);
    const p = scaleProbabilities(s, 2);
    expect(p[0]).toBeCloseTo(2 / 3, 14);
    expect(p[1]).toBeCloseTo(1 / 3, 14);
    expect(p[2]).toBe(0);
    expect(scaledConfidence(s, 2, [0])[0]).toBeCloseTo(2 / 3, 14);
    // only rows 0..1 are fitted when rows are given
    expect(fitTemperature(scores, { labels }, [0, 3]).temperature).toBeCloseTo(50, 6);
  });
  it("floors p_y at 1e-12 like the NLL metric", () => {
    const s = scoreRows([[0, -Infinity]]);
    expect(temperatureNll(s, { labels: Int32Array.from([1]) }, 1)).toBeCloseTo(-Math.log(1e-12), 12);
  });
});

describe("temperature scan precomputed per cell (cross-validation)", () => {
  it("gives exactly the fit of a full scan, and cross-validation the temperatures of direct per-fold fits", () => {
    const rng = new Rng("scan");
    const n = 600;
    const rows = Array.from({ length: n }, (_, i) => [0, 1, 2, 3].map((k) => 2 * rng.nextNormal() + (k === i % 4 ? 1.5 : 0)));
    const scores = scoreRows(rows);
    const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
    const train = Int32Array.from({ length: 400 }, (_, i) => i + 100);
    const parts = [train.subarray(0, 150), train.subarray(150)].map((p) => temperatureScanSums(scores, { labels }, p));
    const summed = parts[0].map((v, j) => v + parts[1][j]);
    expect(fitTemperature(scores, { labels }, train, summed)).toEqual(fitTemperature(scores, { labels }, train));
    const question = Array.from({ length: n }, (_, i) => `q${i % 300}`);
    const language = Array.from({ length: n }, (_, i) => (i < 300 ? "en" : "de"));
    const correct = Uint8Array.from(rows, (r, i) => (r.indexOf(Math.max(...r)) === i % 4 ? 1 : 0));
    const data: RecalibrationData = { n, confidence: new Float64Array(n), correct, scores, labels, question, language };
    const folds = questionFolds(question, 5, "s");
    const cv = crossValidate(data, "temperature", "pooled", { folds: 5, seed: "s" });
    for (const t of cv.temperatures) {
      const fitRows = Int32Array.from(all(n).filter((i) => folds[i] !== t.fold));
      expect(t.temperature).toBe(fitTemperature(scores, { labels }, fitRows).temperature);
    }
  });
});

describe("histogram binning", () => {
  const conf = Float64Array.from([0.6, 0.1, 0.5, 0.2, 0.4, 0.3]);
  const correct = Uint8Array.from([1, 0, 1, 0, 0, 1]);
  it("cuts equal-mass groups and maps each to its share correct", () => {
    const map = fitHistogram(conf, correct, all(6), 3);
    expect(Array.from(map.upper)).toEqual([0.2, 0.4, 0.6]);
    expect(Array.from(map.value)).toEqual([0, 0.5, 1]);
    expect([0.05, 0.2, 0.35, 0.41, 0.9].map((c) => applyHistogram(map, c))).toEqual([0, 0, 0.5, 1, 1]);
  });
  it("uses larger groups first as numpy.array_split, and fewer groups than bins when rows are few", () => {
    const map = fitHistogram(conf, correct, all(6), 4); // sizes 2, 2, 1, 1
    expect(Array.from(map.value)).toEqual([0, 0.5, 1, 1]);
    expect(fitHistogram(conf, correct, [0, 1], 15).value.length).toBe(2);
  });
});

describe("isotonic regression (PAV)", () => {
  it("pools adjacent violators and applies a step function", () => {
    const map = fitIsotonic(Float64Array.from([0.1, 0.2, 0.3, 0.4]), Uint8Array.from([1, 0, 1, 1]), all(4));
    expect(Array.from(map.lower)).toEqual([0.1, 0.3]);
    expect(Array.from(map.value)).toEqual([0.5, 1]);
    expect([0.05, 0.25, 0.3, 0.99].map((c) => applyIsotonic(map, c))).toEqual([0.5, 0.5, 1, 1]);
  });
  it("pools a longer run back to the start and keeps tied confidences together", () => {
    // y = 1, 1, 0, 0 → one block 0.5; ties at 0.5 share one value
    const map = fitIsotonic(Float64Array.from([0.1, 0.2, 0.3, 0.4]), Uint8Array.from([1, 1, 0, 0]), all(4));
    expect(Array.from(map.value)).toEqual([0.5]);
    const tied = fitIsotonic(Float64Array.from([0.5, 0.5, 0.9]), Uint8Array.from([1, 0, 1]), all(3));
    expect(Array.from(tied.value)).toEqual([0.5, 1]);
  });
});

/** Two languages over the same 40 questions; English overconfident scores, "sw" sharper still. */
function twoLanguages(): RecalibrationData {
  const rows: number[][] = [];
  const correct: number[] = [];
  const question: string[] = [];
  const language: string[] = [];
  for (const [lang, sharp] of [["en", 2], ["sw", 4]] as const)
    for (let q = 0; q < 40; q++) {
      const margin = ((q * 7) % 10) / 5 + 0.2;
      rows.push([margin * sharp, 0, -0.5 * sharp]);
      correct.push(q % 3 === 0 ? 0 : 1);
      question.push(`q${q}`);
      language.push(lang);
    }
  const scores = scoreRows(rows);
  return {
    n: rows.length,
    confidence: scaledConfidence(scores, 1, all(rows.length)),
    correct: Uint8Array.from(correct),
    scores,
    labels: null,
    question,
    language,
  };
}

describe("cross-validation", () => {
  it("puts every row of a question in one fold, balanced, reproducibly", () => {
    const question = ["a", "b", "c", "d", "e", "a", "b", "c", "d", "e", "f"];
    const folds = questionFolds(question, 3, 7);
    for (let i = 5; i < 10; i++) expect(folds[i]).toBe(folds[i - 5]);
    const sizes = [0, 0, 0];
    for (const q of "abcdef") sizes[folds[question.indexOf(q)]]++;
    expect(sizes).toEqual([2, 2, 2]);
    expect(Array.from(questionFolds(question, 3, 7))).toEqual(Array.from(folds));
    expect(() => questionFolds(["a", "b"], 3)).toThrow(/cannot fill/);
  });
  it("scores every row out of sample: a row's own outcome never moves its recalibrated value", () => {
    const data = twoLanguages();
    for (const method of ["temperature", "histogram", "isotonic"] as const)
      for (const scope of ["per-language", "english", "pooled"] as const) {
        const base = crossValidate(data, method, scope, { folds: 4 }).confidence;
        const flipped = Uint8Array.from(data.correct);
        flipped[3] = 1 - flipped[3];
        const again = crossValidate({ ...data, correct: flipped }, method, scope, { folds: 4 }).confidence;
        expect(again[3]).toBe(base[3]);
      }
  });
  it("fits English only on English rows, and per language on each language's rows", () => {
    const data = twoLanguages();
    const en = crossValidate(data, "temperature", "english", { folds: 4 });
    expect(new Set(en.temperatures.map((t) => t.group))).toEqual(new Set(["en"]));
    const own = crossValidate(data, "temperature", "per-language", { folds: 4 });
    const sw = own.temperatures.filter((t) => t.group === "sw").map((t) => t.temperature);
    const enT = own.temperatures.filter((t) => t.group === "en").map((t) => t.temperature);
    // "sw" logits are twice as sharp: its own temperature is about twice English's
    for (let f = 0; f < 4; f++) expect(sw[f] / enT[f]).toBeCloseTo(2, 6);
    expect(() => crossValidate({ ...data, language: Array.from(data.language, () => "sw") }, "temperature", "english")).toThrow(/"en"/);
  });
});

describe("eceByLanguage", () => {
  it("reports each column's ECE with a bootstrap interval, and paired differences", () => {
    const data = twoLanguages();
    const after = crossValidate(data, "temperature", "per-language", { folds: 4 }).confidence;
    const out = eceByLanguage(data.language, data.correct, { before: data.confidence, after, same: data.confidence }, { resamples: 50, seed: 1, pairs: [["after", "before"], ["same", "before"]] });
    expect(out.map((r) => r.language)).toEqual(["en", "sw"]);
    const en = out[0];
    expect(en.columns.before.ece).toBeCloseTo(eceOf(data.confidence.slice(0, 40), data.correct.slice(0, 40), 15), 14);
    expect(en.n).toBe(40);
    expect(en.columns.before.interval[0]).toBeLessThanOrEqual(en.columns.before.interval[1]);
    expect(en.differences["same−before"]).toEqual({ ece: 0, interval: [0, 0] });
    expect(en.differences["after−before"].ece).toBeCloseTo(en.columns.after.ece - en.columns.before.ece, 14);
    expect(en.bins.after.reduce((s, b) => s + b.count, 0)).toBe(40);
    expect(en.bins.before).toHaveLength(15);
  });
});
