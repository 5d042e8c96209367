import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { drawResample, gridNodes, meshPoints, Rng, SmoothEce, smoothEce } from "./index";
import { roundHalfEven } from "./smece";
import { naiveSmece, naiveSmeceAt } from "./testing/naive";

const f64 = (xs: number[]) => Float64Array.from(xs);
const u8 = (xs: number[]) => Uint8Array.from(xs);

// Reference values from a line-by-line Python transcription of relplot's smECE (metrics.py/kernels.py
// of apple/ml-calibration: smooth_round_to_grid, ReflectedGaussianKernel with scipy.signal.convolve,
// interpolate, smooth_ece, search_param), run with numpy 2.4 / scipy 1.17.
const RELPLOT = {
  six: { f: [0.95, 0.9, 0.85, 0.6, 0.55, 0.3], y: [1, 1, 0, 1, 0, 0], smece: 0.19163495744291495, sigma: 0.1923828125, at01: 0.1910808750858798, mu50: 0.37709133628359537, mu100: 0.7089683832320449 },
  edges: { f: [0, 1, 1, 0.5, 0.25, 0.75, 1, 0], y: [0, 1, 0, 1, 0, 1, 1, 1], smece: 0.18215851039258482, sigma: 0.18359375, at01: 0.26806926332891834, mu50: 0.7676240621060754, mu100: 0.7396027100370376 },
  allright: { f: [0.4, 0.5, 0.6, 0.7, 0.8, 0.9], y: [1, 1, 1, 1, 1, 1], smece: 0.34996006591316553, sigma: 0.3505859375, at01: 0.3494196471604567, mu50: 0.9999823720334359, mu100: 0.9999870258620154 },
};

describe("smECE matches relplot", () => {
  it.each(Object.entries(RELPLOT))("%s", (_name, c) => {
    const s = new SmoothEce(f64(c.f), u8(c.y));
    const r = s.compute();
    expect(r.sigma).toBe(c.sigma);
    expect(r.smece).toBeCloseTo(c.smece, 13);
    expect(s.at(0.1)).toBeCloseTo(c.at01, 13);
    const curve = s.curve(r.sigma);
    expect(curve).toHaveLength(101);
    expect(curve[50].c).toBe(0.5);
    expect(curve[50].acc).toBeCloseTo(c.mu50, 12);
    expect(curve[100].acc).toBeCloseTo(c.mu100, 12);
  });
});

describe("smECE agrees with a direct O(G²) evaluation of the same definition", { timeout: 120_000 }, () => {
  it("on random samples (FFT convolution = direct convolution)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        (rows) => {
          const cs = rows.map((r) => r[0]);
          const ys = rows.map((r) => (r[1] ? 1 : 0));
          const lib = new SmoothEce(f64(cs), u8(ys));
          for (const sigma of [1, 0.3, 0.05]) expect(lib.at(sigma)).toBeCloseTo(naiveSmeceAt(cs, ys, sigma), 12);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("including the bandwidth search", () => {
    const cs = [0.99, 0.97, 0.9, 0.88, 0.7, 0.65, 0.5, 0.45, 0.3, 0.28];
    const ys = [1, 0, 1, 0, 0, 1, 0, 0, 1, 0];
    const a = smoothEce(f64(cs), u8(ys));
    const b = naiveSmece(cs, ys);
    expect(a.sigma).toBe(b.sigma);
    expect(a.smece).toBeCloseTo(b.smece, 12);
  });
});

describe("smECE details", () => {
  it("grid and mesh sizes follow relplot (Python round = half to even)", () => {
    expect(gridNodes(1)).toBe(1001);
    expect(gridNodes(0.01)).toBe(1001);
    expect(gridNodes(0.005)).toBe(2001);
    expect(gridNodes(0.001)).toBe(10001);
    expect(meshPoints(0.1)).toBe(200);
    expect(meshPoints(0.025)).toBe(400);
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
    expect(roundHalfEven(2.4999)).toBe(2);
  });

  it("is near 0 for a large calibrated sample and near the gap for a constant offset", () => {
    const n = 20000;
    const cs = new Float64Array(n);
    const ys = new Uint8Array(n);
    let seed = 1;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < n; i++) {
      cs[i] = rand();
      ys[i] = rand() < cs[i] ? 1 : 0;
    }
    expect(smoothEce(cs, ys).smece).toBeLessThan(0.02);
    // every row correct at confidence 0.6: residual 0.4 everywhere
    const flat = smoothEce(new Float64Array(500).fill(0.6), new Uint8Array(500).fill(1));
    expect(flat.smece).toBeCloseTo(0.4, 3);
  });
});

describe("FFT", () => {
  it("matches a direct DFT and inverts", async () => {
    const { fftPlan } = await import("./fft");
    for (const n of [4, 8, 32, 256]) {
      const re = Float64Array.from({ length: n }, (_, j) => Math.sin(j * 1.3) + 0.1 * j);
      const im = Float64Array.from({ length: n }, (_, j) => Math.cos(j * 0.7));
      const r2 = re.slice();
      const i2 = im.slice();
      fftPlan(n).transform(r2, i2);
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const a = (-2 * Math.PI * j * k) / n;
          sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
          si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
        }
        expect(r2[k]).toBeCloseTo(sr, 8);
        expect(i2[k]).toBeCloseTo(si, 8);
      }
      fftPlan(n).transform(r2, i2, true);
      for (let j = 0; j < n; j++) {
        expect(r2[j]).toBeCloseTo(re[j], 13);
        expect(i2[j]).toBeCloseTo(im[j], 13);
      }
    }
  });
});

describe("the bandwidth search's transform-free bounds", { timeout: 120_000 }, () => {
  /** n rows whose correctness is drawn with probability clamp(c + shift): overconfident for shift < 0. */
  function sample(seed: number, n: number, shift: number, mixed = false): { conf: Float64Array; correct: Uint8Array } {
    const rng = new Rng(seed);
    const conf = new Float64Array(n);
    const correct = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 17 === 0 ? Math.round(rng.nextFloat()) : 0.25 + 0.75 * rng.nextFloat() ** 0.3;
      conf[i] = c;
      // mixed: overconfident above 0.7, underconfident below — residuals of both signs
      const s = mixed ? (c > 0.7 ? shift : -shift) : shift;
      correct[i] = rng.nextFloat() < Math.min(1, Math.max(0, c + s)) ? 1 : 0;
    }
    return { conf, correct };
  }
  const cases = [
    { name: "overconfident", n: 5000, shift: -0.15, mixed: false },
    { name: "calibrated", n: 5000, shift: 0, mixed: false },
    { name: "underconfident", n: 3000, shift: 0.1, mixed: false },
    { name: "mixed signs", n: 4000, shift: 0.12, mixed: true },
    { name: "tiny", n: 7, shift: -0.2, mixed: false },
  ];

  it.each(cases)("enclose smECE_σ at every σ ($name)", ({ n, shift, mixed }) => {
    const { conf, correct } = sample(11, n, shift, mixed);
    const s = new SmoothEce(conf, correct);
    for (const sigma of [1, 0.5, 0.3, 0.125, 0.0625, 0.04, 0.02, 0.01]) {
      const exact = s.at(sigma);
      const { lower, upper } = s.bounds(sigma);
      expect(lower).toBeLessThanOrEqual(exact * (1 + 1e-12));
      expect(upper).toBeGreaterThanOrEqual(exact * (1 - 1e-12));
    }
  });

  it("are only defined on the G = 1001 grid (σ ≥ 0.01)", () => {
    const { conf, correct } = sample(2, 50, 0);
    expect(() => new SmoothEce(conf, correct).bounds(0.005)).toThrow(RangeError);
  });

  it.each(cases)("give the search's σ* and smECE bit for bit, unweighted and on resamples ($name)", ({ n, shift, mixed }) => {
    const { conf, correct } = sample(5, n, shift, mixed);
    const rng = new Rng(`bounds/${n}`);
    const w = new Int32Array(n);
    for (let r = 0; r < 12; r++) {
      const weights = r === 0 ? null : w;
      if (weights) drawResample(rng, weights);
      expect(new SmoothEce(conf, correct, weights).compute()).toEqual(new SmoothEce(conf, correct, weights, null, null, false).compute());
    }
  });

  it("spare most transforms on an overconfident sample", () => {
    const { conf, correct } = sample(3, 20_000, -0.15);
    const at = vi.spyOn(SmoothEce.prototype, "at");
    const bounded = new SmoothEce(conf, correct).compute();
    const withBounds = at.mock.calls.length;
    at.mockClear();
    expect(new SmoothEce(conf, correct, null, null, null, false).compute()).toEqual(bounded);
    const without = at.mock.calls.length;
    at.mockRestore();
    expect(without).toBe(12); // σ = 1, ten bisection steps, the final evaluation (cached)
    expect(withBounds).toBeLessThanOrEqual(4);
  });
});
