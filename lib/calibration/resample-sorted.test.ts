import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResampleEngine } from "./resample";
import { SortedResampleEngine } from "./resample-sorted";
import { mixedSet } from "./testing/mixed-set";
import { type CalibrationInput, labelledSet, MetricEngine, METRIC_NAMES, metricValue, Rng, topLabelSet } from "./index";

const BOTH = ["equal-width", "equal-mass"] as const;

/** Every metric of both engines against MetricEngine's weighted reference. */
function expectSame(engine: MetricEngine, w: Int32Array, tolerance: number): void {
  const reference = engine.scalars(BOTH, w);
  const sorted = new SortedResampleEngine(engine).scalars(BOTH, w);
  for (const b of BOTH)
    for (const name of METRIC_NAMES) {
      const r = metricValue(reference, name, b);
      const s = metricValue(sorted, name, b);
      if (r === null) expect(s, `${name} ${b}`).toBeNull();
      else expect(Math.abs((s as number) - r), `${name} ${b}: ${s} vs ${r}`).toBeLessThanOrEqual(tolerance);
    }
}

describe("sorted resampling engine", { timeout: 120_000 }, () => {
  it.each([
    [1, 20_000, 15],
    [2, 3_000, 7],
    [3, 700, 40],
    [4, 9, 15], // fewer rows than bins: empty equal-mass groups
  ])("seed %i, %i rows, %i bins: the reference's metrics for resamples (≤ 1e-12)", (seed, n, bins) => {
    const engine = new MetricEngine(mixedSet(seed, n), bins);
    const rng = new Rng(seed + 100);
    const w = new Int32Array(n);
    for (let r = 0; r < 4; r++) {
      w.fill(0);
      rng.addDraws(w);
      expectSame(engine, w, 1e-12);
    }
    // heavy weights on few rows: one row's copies straddle several equal-mass groups
    w.fill(0);
    w[0] = n;
    w[n - 1] = 3;
    expectSame(engine, w, 1e-12);
  });

  it.each([2, 3, 10])("fixed K = %i, ties and exact bin edges: the reference's metrics (≤ 1e-12)", (K) => {
    const rng = new Rng(K);
    const rows = Array.from({ length: 2_000 }, () => {
      const w = Array.from({ length: K }, () => rng.nextInt(6));
      if (!w.some((x) => x > 0)) w[0] = 1;
      const s = w.reduce((a, b) => a + b);
      return w.map((x) => x / s);
    });
    const engine = new MetricEngine(labelledSet(rows, rows.map(() => rng.nextInt(K))), 15);
    const w = new Int32Array(rows.length);
    for (let r = 0; r < 3; r++) {
      w.fill(0);
      rng.addDraws(w);
      expectSame(engine, w, 1e-12);
    }
  });

  it("top-label sets, with and without stored probabilities", () => {
    const rng = new Rng(7);
    const n = 5_000;
    const conf = Array.from({ length: n }, () => (rng.nextInt(4) === 0 ? 1 : 0.25 + 0.75 * rng.nextFloat()));
    const correct = conf.map((c) => rng.nextFloat() < c);
    const w = new Int32Array(n);
    rng.addDraws(w);
    expectSame(new MetricEngine(topLabelSet(conf, correct), 15), w, 1e-12);
    const mixed = mixedSet(8, 3_000) as Extract<CalibrationInput, { kind: "labelled" }>;
    const c2 = new Float64Array(3_000);
    for (let i = 0; i < 3_000; i++) for (let j = mixed.offsets[i]; j < mixed.offsets[i + 1]; j++) c2[i] = Math.max(c2[i], mixed.probs[j]);
    const withRows: CalibrationInput = { kind: "top-label", n: 3_000, confidence: c2, correct: Uint8Array.from(c2, () => rng.nextInt(2)), rows: mixed };
    const w2 = new Int32Array(3_000);
    rng.addDraws(w2);
    expectSame(new MetricEngine(withRows, 15), w2, 1e-12);
  });

  it.each([
    ["labelled, K varying", () => mixedSet(11, 2_500)],
    ["top-label", () => topLabelSet(Array.from({ length: 1_500 }, (_, i) => 0.3 + 0.7 * ((i * 7919) % 1000) / 1000), Array.from({ length: 1_500 }, (_, i) => i % 3 !== 0))],
  ] as const)("%s: resamples computed four to a pass give each one's own numbers, bit for bit", (_, make) => {
    const engine = new MetricEngine(make(), 15);
    const rng = new Rng(5);
    // 6 resamples: one pass of four lanes, then two alone; and each alone on a fresh engine.
    const ws = Array.from({ length: 6 }, () => {
      const w = new Int32Array(engine.n);
      rng.addDraws(w);
      return w;
    });
    const together = new SortedResampleEngine(engine).scalarsOf(BOTH, ws);
    const alone = ws.map((w) => new SortedResampleEngine(engine).scalars(BOTH, w));
    expect(together).toEqual(alone);
    // and the lanes' metrics are the reference's
    for (let i = 0; i < ws.length; i++) expectSame(engine, ws[i], 1e-12);
    // a lane's results do not depend on its neighbours: the same resample in another lane, another group
    const shifted = new SortedResampleEngine(engine).scalarsOf(BOTH, [ws[5], ws[0], ws[1], ws[2], ws[3]]);
    expect(shifted[0]).toEqual(alone[5]);
    expect(shifted.slice(1)).toEqual(alone.slice(0, 4));
    // Weights of 255 everywhere (the packed bytes' largest: full 16-bit range sums), and a group with a weight of 256
    // (the int32 lanes instead of bytes): still each resample's own numbers.
    const full = new Int32Array(engine.n).fill(255);
    const big = Int32Array.from(ws[1]);
    big[3] = 256;
    for (const group of [[full, ws[0], full, ws[2]], [ws[0], full, ws[2], full], [ws[0], big, ws[2], full]]) {
      const four = new SortedResampleEngine(engine).scalarsOf(BOTH, group);
      expect(four).toEqual(group.map((w) => new SortedResampleEngine(engine).scalars(BOTH, w)));
    }
    expectSame(engine, full, 1e-9);
  });

  it("agrees with the row-order engine on small weighted samples (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 5 }), fc.nat(), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 8 }),
        (spec, bins) => {
          const rows = spec.map(([w]) => {
            const ww = w.some((x) => x > 0) ? w : w.map((_, j) => (j === 0 ? 1 : 0));
            const s = ww.reduce((a, b) => a + b);
            return ww.map((x) => x / s);
          });
          const weights = Int32Array.from(spec, ([, , m]) => m);
          if (weights.every((m) => m === 0)) weights[0] = 1;
          const engine = new MetricEngine(labelledSet(rows, spec.map(([w, y]) => y % w.length)), bins);
          const row = new ResampleEngine(engine).scalars(BOTH, weights);
          const sorted = new SortedResampleEngine(engine).scalars(BOTH, weights);
          for (const b of BOTH)
            for (const name of METRIC_NAMES)
              expect(Math.abs((metricValue(sorted, name, b) as number) - (metricValue(row, name, b) as number)), `${name} ${b}`).toBeLessThanOrEqual(1e-12);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("Rng.addDraws", { timeout: 60_000 }, () => {
  it.each([1, 7, 5_001])("skipDraws(n, t) leaves the state t calls of addDraws leave, n = %i", (n) => {
    const a = new Rng(`skip ${n}`);
    const b = new Rng(`skip ${n}`);
    const w = new Int32Array(n);
    for (let t = 0; t < 3; t++) a.addDraws(w);
    b.skipDraws(n, 3);
    expect(b.nextUint32()).toBe(a.nextUint32());
  });

  it.each([1, 7, 1000, 5_001])("gives the multiplicities of n calls of nextInt(n), n = %i, and the same state after", (n) => {
    const a = new Rng(`draws ${n}`);
    const b = new Rng(`draws ${n}`);
    const fast = new Int32Array(n);
    a.addDraws(fast);
    const slow = new Int32Array(n);
    for (let i = 0; i < n; i++) slow[b.nextInt(n)]++;
    let same = true;
    for (let i = 0; i < n; i++) if (fast[i] !== slow[i]) same = false;
    expect(same).toBe(true);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});
