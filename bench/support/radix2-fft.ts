/**
 * The project's former hand-written FFT (in-place iterative radix-2, first two stages fused), kept only as the
 * baseline of `npm run bench:libraries`: fft.js replaced it in lib/calibration/fft.ts because it measured ~2.3×
 * faster at smECE's size, copy in and out included (docs/benchmarks.md).
 */

export class Radix2Fft {
  readonly size: number;
  /** Twiddles of every stage from len = 8 up, concatenated: stage len uses e^{−2πik/len}, k < len/2. */
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;
  private readonly rev: Uint32Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of 2 ≥ 4, got ${size}`);
    this.size = size;
    this.twRe = new Float64Array(size);
    this.twIm = new Float64Array(size);
    let at = 0;
    for (let len = 8; len <= size; len <<= 1) {
      for (let k = 0; k < len / 2; k++) {
        // the same angle as size-based tables would give: 2πk/len = 2π(k·size/len)/size
        const a = (2 * Math.PI * ((k * size) / len)) / size;
        this.twRe[at] = Math.cos(a);
        this.twIm[at] = -Math.sin(a);
        at++;
      }
    }
    this.rev = new Uint32Array(size);
    let bits = 0;
    while (1 << bits < size) bits++;
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
      this.rev[i] = r;
    }
  }

  /** Forward transform X_k = Σ x_j e^{−2πijk/n}; inverse uses e^{+…} and divides by n. */
  transform(re: Float64Array, im: Float64Array, inverse = false): void {
    const n = this.size;
    const rev = this.rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        let t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    // The inverse is the forward transform with conjugated twiddles: flip the sign of the imaginary parts.
    const s = inverse ? -1 : 1;
    // len = 2 and len = 4 together (radix-4 butterfly with twiddles 1 and ∓i).
    for (let a = 0; a < n; a += 4) {
      const r0 = re[a] + re[a + 1];
      const i0 = im[a] + im[a + 1];
      const r1 = re[a] - re[a + 1];
      const i1 = im[a] - im[a + 1];
      const r2 = re[a + 2] + re[a + 3];
      const i2 = im[a + 2] + im[a + 3];
      const r3 = re[a + 2] - re[a + 3];
      const i3 = im[a + 2] - im[a + 3];
      // (r3 + i·i3)·(∓i) = ±i3 ∓ i·r3 (forward multiplies by −i)
      const tr = s * i3;
      const ti = -s * r3;
      re[a] = r0 + r2;
      im[a] = i0 + i2;
      re[a + 2] = r0 - r2;
      im[a + 2] = i0 - i2;
      re[a + 1] = r1 + tr;
      im[a + 1] = i1 + ti;
      re[a + 3] = r1 - tr;
      im[a + 3] = i1 - ti;
    }
    const twRe = this.twRe;
    const twIm = this.twIm;
    let base = 0;
    for (let len = 8; len <= n; len <<= 1) {
      const half = len >>> 1;
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < half; k++) {
          const wr = twRe[base + k];
          const wi = s * twIm[base + k];
          const a = start + k;
          const b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
      base += half;
    }
    if (inverse) {
      const inv = 1 / n;
      for (let i = 0; i < n; i++) {
        re[i] *= inv;
        im[i] *= inv;
      }
    }
  }
}
