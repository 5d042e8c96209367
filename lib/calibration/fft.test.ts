import { describe, expect, it } from "vitest";
import { Rng } from "./prng";
import { Fft, fftPlan, nextPow2 } from "./fft";

/** The textbook O(n²) DFT, the definition the transform must match. */
function dft(re: Float64Array, im: Float64Array, sign: 1 | -1): [Float64Array, Float64Array] {
  const n = re.length;
  const oRe = new Float64Array(n);
  const oIm = new Float64Array(n);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * j * k) / n;
      oRe[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      oIm[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
  return [oRe, oIm];
}

describe("fft (fft.js behind the split-array interface smece.ts uses)", () => {
  it.each([4, 8, 64, 2048])("matches the DFT at n=%i, and the inverse gives the input back", (n) => {
    const rng = new Rng(`fft-${n}`);
    const re = Float64Array.from({ length: n }, () => rng.nextFloat() - 0.5);
    const im = Float64Array.from({ length: n }, () => rng.nextFloat() - 0.5);
    const [eRe, eIm] = dft(re, im, -1);
    const xRe = re.slice();
    const xIm = im.slice();
    fftPlan(n).transform(xRe, xIm);
    for (let k = 0; k < n; k++) {
      expect(xRe[k]).toBeCloseTo(eRe[k], 9);
      expect(xIm[k]).toBeCloseTo(eIm[k], 9);
    }
    fftPlan(n).transform(xRe, xIm, true);
    for (let k = 0; k < n; k++) {
      expect(xRe[k]).toBeCloseTo(re[k], 12);
      expect(xIm[k]).toBeCloseTo(im[k], 12);
    }
  });

  it("refuses a size that is not a power of 2 ≥ 4; nextPow2 rounds up", () => {
    expect(() => new Fft(6)).toThrow("power of 2");
    expect(() => new Fft(2)).toThrow("power of 2");
    expect(nextPow2(2001)).toBe(2048);
    expect(nextPow2(1)).toBe(4);
  });
});
