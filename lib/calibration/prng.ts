/**
 * Seeded pseudo-random numbers for reproducible bootstraps and generated data.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, 32-bit output) is used
 * because it is fast in JavaScript's 32-bit integer arithmetic and passes PractRand; the seed (a number
 * or a string such as "run 12/de") is hashed into the state with murmur3's finaliser, so nearby seeds
 * give unrelated streams.
 */

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;
const INV_2_32 = 1 / TWO_32;

/** murmur3 fmix32: a bijective 32-bit mixer. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a seed: numbers by their float64 bits (so 1 and 1.5 differ), strings by UTF-16 units. */
export function hashSeed(seed: number | string): number {
  let h = 0x9e3779b9;
  if (typeof seed === "number") {
    const words = new Uint32Array(new Float64Array([seed]).buffer);
    h = fmix32(h ^ words[0]);
    h = fmix32(h ^ words[1]);
  } else {
    for (let i = 0; i < seed.length; i++) h = fmix32(Math.imul(h ^ seed.charCodeAt(i), 0x01000193));
    h = fmix32(h ^ seed.length);
  }
  return h;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const h = hashSeed(seed);
    this.a = fmix32(h ^ 0x243f6a88);
    this.b = fmix32(h ^ 0x85a308d3);
    this.c = fmix32(h ^ 0x13198a2e);
    this.d = 1;
    // Discard the first outputs: the state needs a few rounds to decorrelate from the seed.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_53;
  }

  /**
   * Uniform integer in [0, n), exactly unbiased (rejection sampling; a plain floor(u·n) would favour
   * some indices by up to n/2^32, which a bootstrap over a million rows would notice).
   */
  nextInt(n: number): number {
    if (n <= 2097152) {
      // Lemire's multiply-shift: x·n < 2^53, so the double product is exact.
      // (multiplying by 2^−32 is exact, so hi and low are the exact high and low words of m)
      for (;;) {
        const m = this.nextUint32() * n;
        const hi = Math.floor(m * INV_2_32);
        const low = m - hi * TWO_32;
        if (low >= n || low >= TWO_32 % n) return hi;
      }
    }
    const limit = TWO_53 - (TWO_53 % n);
    for (;;) {
      const u = (this.nextUint32() >>> 0) * 2097152 + (this.nextUint32() >>> 11);
      if (u < limit) return u % n;
    }
  }

  /**
   * Adds one to counts[nextInt(n)] n times, n = counts.length (one bootstrap resample's multiplicities): the same
   * draws as n calls of nextInt(n), with the generator's state in locals for the loop (the bootstrap's draw was
   * ~10% of its time through the method calls and field writes).
   */
  addDraws(counts: Int32Array): void {
    const n = counts.length;
    if (n > 2097152) {
      for (let i = 0; i < n; i++) counts[this.nextInt(n)]++;
      return;
    }
    // nextInt's Lemire branch, inlined: accept when low ≥ 2^32 mod n (that bound is < n, so it covers low ≥ n too).
    const threshold = TWO_32 % n;
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    for (let i = 0; i < n; i++) {
      for (;;) {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        const m = (t >>> 0) * n;
        // m < 2^53 and m·2^−32 < n ≤ 2^21 are exact, so truncation (| 0) is the floor
        const hi = (m * INV_2_32) | 0;
        if (m - hi * TWO_32 >= threshold) {
          counts[hi]++;
          break;
        }
      }
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /**
   * Moves the generator past `times` resamples of n draws (the state `times` calls of addDraws on n counts leave): a
   * compute thread that takes resamples from..to of a seeded bootstrap starts here. (The draws are counted into a
   * scratch array: one draw loop to trust, and its cost is a small share of the part's.)
   */
  skipDraws(n: number, times: number): void {
    const scratch = new Int32Array(n);
    for (let t = 0; t < times; t++) this.addDraws(scratch);
  }

  /** Standard normal deviate (Box–Muller; one of the pair is discarded for simplicity). */
  nextNormal(): number {
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
