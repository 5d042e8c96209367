import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { equalMassSums, equalMassSumsSorted, equalWidthBin, groupSizes, sortSample, stableArgsort } from "./index";

describe("equal-width bins: min(floor(c·M), M−1) in float64", () => {
  it("puts 0 in the first bin and 1.0 in the last (no phantom bin M)", () => {
    expect(equalWidthBin(0, 15)).toBe(0);
    expect(equalWidthBin(1, 15)).toBe(14);
    expect(equalWidthBin(1, 1)).toBe(0);
    expect(equalWidthBin(0.9999999999999999, 15)).toBe(14);
  });

  it("sends a value on an edge k/M to the bin above it", () => {
    for (let k = 0; k < 15; k++) expect(equalWidthBin(k / 15, 15)).toBe(k);
    expect(equalWidthBin(0.25, 4)).toBe(1);
    expect(equalWidthBin(0.5, 4)).toBe(2);
    expect(equalWidthBin(0.75, 4)).toBe(3);
    expect(equalWidthBin(0.2, 15)).toBe(3); // 0.2·15 = 3 exactly in float64
  });

  it("follows the float64 product where the edge is not representable", () => {
    // (15/22)·22 = 14.999999999999998 in float64: the computed edge value lands one bin lower.
    expect((15 / 22) * 22).toBe(14.999999999999998);
    expect(equalWidthBin(15 / 22, 22)).toBe(14);
    expect(equalWidthBin(0.1, 3)).toBe(0); // 0.30000000000000004 → 0
  });
});

describe("group sizes: numpy.array_split", () => {
  it("gives the larger groups first and sizes differing by at most one", () => {
    expect(Array.from(groupSizes(10, 3))).toEqual([4, 3, 3]);
    expect(Array.from(groupSizes(17, 5))).toEqual([4, 4, 3, 3, 3]);
    expect(Array.from(groupSizes(2, 5))).toEqual([1, 1, 0, 0, 0]);
    expect(Array.from(groupSizes(15, 15))).toEqual(new Array(15).fill(1));
  });
});

describe("stable argsort", () => {
  it("sorts ascending with ties in input order", () => {
    const v = new Float64Array([0.5, 0, 0.25, 0.5, 1, 0, 5e-324, 0.25]);
    expect(Array.from(stableArgsort(v))).toEqual([1, 5, 6, 2, 7, 0, 3, 4]);
  });

  it("agrees with a stable comparator sort on arbitrary non-negative doubles with ties", () => {
    const value = fc.oneof(
      fc.constantFrom(0, 1, 0.5, 1e-12, 5e-324, 0.1),
      fc.double({ min: 0, max: 1, noNaN: true }).map((x) => (x === 0 ? 0 : x)),
      fc.integer({ min: 0, max: 8 }).map((k) => k / 8),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (xs) => {
        const v = Float64Array.from(xs);
        const expected = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
        expect(Array.from(stableArgsort(v))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("handles large buckets of equal values", () => {
    const v = new Float64Array(5000).fill(0.3);
    v[10] = 0.1;
    const o = stableArgsort(v);
    expect(o[0]).toBe(10);
    expect(Array.from(o.subarray(1, 5))).toEqual([0, 1, 2, 3]);
  });
});

describe("equal-mass sums: bucketed fast path = sorted walk", () => {
  it("agrees on group counts, sums and edges, ties included", () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 10 }).map((k) => k / 10), fc.double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, fc.boolean()), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        (rows, m) => {
          const v = Float64Array.from(rows, (r) => (r[0] === 0 ? 0 : r[0]));
          const y = Uint8Array.from(rows, (r) => (r[1] ? 1 : 0));
          const a = equalMassSums(v, y, m);
          const s = sortSample(v, y);
          const b = equalMassSumsSorted(s.values, s.outcome, s.order, m);
          expect(Array.from(a.count)).toEqual(Array.from(b.count));
          expect(Array.from(a.sumOutcome)).toEqual(Array.from(b.sumOutcome));
          expect(Array.from(a.lower)).toEqual(Array.from(b.lower));
          expect(Array.from(a.upper)).toEqual(Array.from(b.upper));
          for (let g = 0; g < m; g++) expect(a.sumValue[g]).toBeCloseTo(b.sumValue[g], 12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves the last M − N groups empty when N < M", () => {
    const s = equalMassSums(new Float64Array([0.9, 0.2]), new Uint8Array([1, 0]), 4);
    expect(Array.from(s.count)).toEqual([1, 1, 0, 0]);
    expect(Array.from(s.lower)).toEqual([0.2, 0.9, 0.9, 0.9]);
  });
});
