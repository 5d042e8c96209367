/**
 * smECE — the smooth ECE of Błasiok & Nakkiran (2023), as computed by their reference package
 * `relplot` (apple/ml-calibration, `relplot.smECE` with the default reflected Gaussian kernel).
 * Re-implemented step for step so our numbers match theirs to floating-point rounding:
 *
 * 1. Grid. G = ⌊max(2000, round(20/σ)) / 2⌋ + 1 nodes t_g = g/(G−1) (G = 1001 for σ ≥ 0.01). Each row's
 *    value v is split between the two nodes around its confidence c by linear interpolation:
 *    g = min(⌊c·(G−1)⌋, G−2), frac = c·(G−1) − g; node g gets (1−frac)·v, node g+1 gets frac·v.
 *    Gridded are the residual r = c − y (y = 1 if correct), a constant 1 (for the density), and y (curve).
 * 2. Smooth. The grid is reflected at both ends (mirror about node 0 and node G−1, end nodes not
 *    repeated) and convolved with K(d) = φ_σ(d/(G−1)) for |d| ≤ (G−1)/2 nodes (the kernel is truncated
 *    at distance 1/2 and is not multiplied by the node spacing), giving S_r and S_1 on the grid.
 * 3. Evaluate on the mesh t_j = j/(T−1), T = max(round(10/σ), 200), by linear interpolation of S_r and
 *    S_1 between grid nodes, and take
 *        smECE_σ = Σ_j |S_r(t_j)| / Σ_j (S_1(t_j) + 10⁻⁴),
 *    i.e. relplot's density-weighted mean of |r̂_σ(t)| = |S_r/(S_1 + 10⁻⁴)| with weights S_1 + 10⁻⁴.
 *    ("round" is Python's round-half-even.)
 * 4. Bandwidth: σ* by relplot's bisection for the fixed point smECE_σ = σ. If 1 < smECE_1, σ* = 1;
 *    otherwise start with [lo, hi] = [0, 1] and 10 times test the midpoint σ: if σ < 0.001 or
 *    σ < smECE_σ it becomes lo, else hi. σ* = hi (so σ* ≥ smECE_σ* up to the 2⁻¹⁰ resolution), and the
 *    result is smECE_σ*. A step whose σ lies clearly outside cheap bounds on smECE_σ is decided without the
 *    transform (SmoothEce.below, meshWeights): the same decisions, so the same σ* and smECE.
 * 5. Curve: the smoothed reliability curve at σ*, acc(t) = S_y(t)/(S_1(t) + 10⁻⁴) (relplot's kernel
 *    smoother, the red line of its diagrams), with density(t) = S_1(t)/N.
 *
 * The convolution is done with a radix-2 FFT (exactly the same linear convolution; relplot's scipy
 * convolve also picks FFT for these sizes), so one σ costs O(G log G) however many rows there are;
 * rows are touched once per distinct grid size.
 */
import { fftPlan, nextPow2 } from "./fft";

export const SMECE_MIN_SIGMA = 0.001;
export const SMECE_BISECTIONS = 10;
export const SMECE_DENSITY_EPS = 1e-4;
export const SMECE_MIN_GRID = 2000;
export const SMECE_MIN_MESH = 200;
export const SMOOTH_CURVE_POINTS = 101;

/** Python's round(): to nearest, ties to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Number of grid nodes G for bandwidth σ (1001 for σ ≥ 0.01). */
export function gridNodes(sigma: number): number {
  return Math.floor(Math.max(SMECE_MIN_GRID, roundHalfEven(20 / sigma)) / 2) + 1;
}

/** Number of mesh points T on which smECE_σ is evaluated. */
export function meshPoints(sigma: number): number {
  return Math.max(roundHalfEven(10 / sigma), SMECE_MIN_MESH);
}

export interface SmoothCurvePoint {
  c: number;
  acc: number;
  density: number;
}

export interface SmoothEceResult {
  smece: number;
  /** The bandwidth σ* found by the fixed-point search. */
  sigma: number;
}

/** Node index and interpolation fraction of confidence c on a grid of G nodes. */
function node(c: number, g1: number): number {
  const b = Math.trunc(c * g1);
  return b < 0 ? 0 : b > g1 - 1 ? g1 - 1 : b;
}

/** Per-row node positions for one grid size, reusable across bootstrap resamples. */
export interface GridPositions {
  readonly nodes: number;
  readonly index: Int32Array;
  readonly frac: Float64Array;
}

export function gridPositions(conf: Float64Array, nodes: number): GridPositions {
  const g1 = nodes - 1;
  const index = new Int32Array(conf.length);
  const frac = new Float64Array(conf.length);
  for (let i = 0; i < conf.length; i++) {
    const c = conf[i];
    const b = node(c, g1);
    index[i] = b;
    frac[i] = c * g1 - b;
  }
  return { nodes, index, frac };
}

/** A spectrum (or signal) of `size` complex points, interleaved [re0, im0, re1, im1, …] as fft.js works on them. */
interface Spectrum {
  z: Float64Array;
}

/** Gridded residuals (vr) and counts (v1) of a sample for one grid size, and its (weighted) row count. */
export interface PresetGrid {
  vr: Float64Array;
  v1: Float64Array;
  total: number;
}

// Scratch buffers for the inverse transforms, one pair per FFT size (single-threaded, not re-entrant).
const scratch = new Map<number, { input: Float64Array; output: Float64Array }>();
function scratchFor(size: number): { input: Float64Array; output: Float64Array } {
  let s = scratch.get(size);
  if (!s) scratch.set(size, (s = { input: new Float64Array(2 * size), output: new Float64Array(2 * size) }));
  return s;
}

// Kernel spectra depend only on (σ, G); bootstrap resamples revisit the same dyadic σ values, so cache.
const kernelCache = new Map<string, Spectrum>();
const KERNEL_CACHE_LIMIT = 128;

/** The kernel's G taps K(m) = φ_σ(t_m − 1/2), m = 0 … G − 1 (tap m weighs grid position p for output node b when m = b + G − 1 − h − p). */
function kernelTaps(sigma: number, nodes: number): Float64Array {
  const taps = new Float64Array(nodes);
  const step = 1 / (nodes - 1);
  const variance = sigma * sigma;
  const norm = Math.sqrt(2 * Math.PI) * sigma;
  for (let m = 0; m < nodes; m++) {
    const t = m === nodes - 1 ? 1 : m * step;
    taps[m] = Math.exp((-(t - 0.5) * (t - 0.5)) / (2 * variance)) / norm;
  }
  return taps;
}

function kernelSpectrum(sigma: number, nodes: number, size: number): Spectrum {
  const key = `${nodes}:${size}:${sigma}`;
  const hit = kernelCache.get(key);
  if (hit) return hit;
  const x = new Float64Array(2 * size);
  const taps = kernelTaps(sigma, nodes);
  for (let m = 0; m < nodes; m++) x[2 * m] = taps[m];
  const z = new Float64Array(2 * size);
  fftPlan(size).transformInterleaved(x, z);
  if (kernelCache.size >= KERNEL_CACHE_LIMIT) kernelCache.delete(kernelCache.keys().next().value as string);
  const spec = { z };
  kernelCache.set(key, spec);
  return spec;
}

/** Mesh positions of `at` (node and interpolation weight of each mesh point) for T points on a grid of G nodes. */
interface Mesh {
  node: Int32Array;
  res: Float64Array;
}
const meshCache = new Map<string, Mesh>();

function meshFor(T: number, G: number): Mesh {
  const key = `${T}:${G}`;
  let mesh = meshCache.get(key);
  if (!mesh) {
    const step = 1 / (T - 1);
    const bucket = 1 / (G - 1);
    mesh = { node: new Int32Array(T), res: new Float64Array(T) };
    for (let j = 0; j < T; j++) {
      const t = j === T - 1 ? 1 : j * step;
      const b = node(t, G - 1);
      mesh.node[j] = b;
      mesh.res[j] = (t - b * bucket) / bucket;
    }
    if (meshCache.size >= KERNEL_CACHE_LIMIT) meshCache.delete(meshCache.keys().next().value as string);
    meshCache.set(key, mesh);
  }
  return mesh;
}

/**
 * Bounds without the transform (SmoothEce.below). The smoothed grids at the mesh are linear in the gridded values:
 * Σ_j S_v(t_j) = Σ_g v_g·A_g, where A_g is the weight grid node g carries into all mesh points together (through the
 * reflection, the kernel and the mesh's linear interpolation; every term ≥ 0). So with the same denominator
 * D = Σ_g v1_g·A_g + T·10⁻⁴ as smECE_σ:
 *     |Σ_g vr_g·A_g| / D  ≤  smECE_σ = Σ_j |S_r(t_j)| / D  ≤  Σ_g |vr_g|·A_g / D,
 * the left by |Σ x| ≤ Σ |x|, the right by |Σ_g vr_g·K| ≤ Σ_g |vr_g|·K for K ≥ 0. A bisection step whose σ lies
 * outside [lower, upper] (by a relative margin far above the transform's rounding) is decided by them, in O(G) instead
 * of an inverse FFT of 2048 points; the decision, and so σ* and smECE, are the ones the FFT gives. Only for the
 * G = 1001 grid (σ ≥ 0.01), where A costs at most 2T·G operations once per σ (cached: resamples revisit the same
 * dyadic σ).
 */
export const BOUND_GRID = gridNodes(1); // 1001
const BOUND_MARGIN = 1e-9;
const meshWeightCache = new Map<number, Float64Array>();
const MESH_WEIGHT_CACHE_LIMIT = 256;

function meshWeights(sigma: number): Float64Array {
  const hit = meshWeightCache.get(sigma);
  if (hit) return hit;
  const G = BOUND_GRID;
  const h = (G - 1) >>> 1;
  const last = G - 1;
  const taps = kernelTaps(sigma, G);
  const { node: at, res } = meshFor(meshPoints(sigma), G);
  // u_b: the mesh's interpolation weight on output node b
  const u = new Float64Array(G);
  for (let j = 0; j < at.length; j++) {
    u[at[j]] += 1 - res[j];
    u[at[j] + 1] += res[j];
  }
  // Output node b is Σ_m taps[m]·x[b + G − 1 − m] over the reflected grid x[j] = values[refl(j − h)] (convolve).
  const weights = new Float64Array(G);
  // (b and m in [0, G) put j in [0, 2G − 2]: always a position of the reflected grid.)
  for (let b = 0; b < G; b++) {
    if (u[b] === 0) continue;
    for (let m = 0; m < G; m++) {
      const j = b + G - 1 - m;
      const p = j - h;
      weights[p < 0 ? -p : p > last ? 2 * last - p : p] += u[b] * taps[m];
    }
  }
  if (meshWeightCache.size >= MESH_WEIGHT_CACHE_LIMIT) meshWeightCache.delete(meshWeightCache.keys().next().value as number);
  meshWeightCache.set(sigma, weights);
  return weights;
}

/**
 * Writes the reflected extension of a grid (positions −h … G−1+h) into the real (part 0) or imaginary (part 1)
 * slots of interleaved out[0 .. 2G−1).
 */
function reflect(values: Float64Array, out: Float64Array, part: 0 | 1): void {
  const G = values.length;
  const h = (G - 1) >>> 1;
  const last = G - 1;
  for (let j = 0; j < 2 * G - 1; j++) {
    const p = j - h;
    out[2 * j + part] = p < 0 ? values[-p] : p > last ? values[2 * last - p] : values[p];
  }
}

/**
 * smECE of one sample (confidences and correctness, optionally with integer weights = multiplicities).
 * Evaluations are cached per σ, grids per grid size.
 */
export class SmoothEce {
  private readonly evals = new Map<number, number>();
  private readonly spectra = new Map<number, Spectrum & { size: number; total: number }>();
  private readonly grids = new Map<number, PresetGrid>();

  constructor(
    private readonly conf: Float64Array,
    private readonly correct: Uint8Array,
    private readonly weights: Int32Array | null = null,
    /** Precomputed node positions for G = 1001 (the usual grid), to skip per-row float work. */
    private readonly positions: GridPositions | null = null,
    /** Grids already accumulated by the caller (bootstrap fuses gridding into its pass over rows), by G. */
    private readonly presetGrids: ReadonlyMap<number, PresetGrid> | null = null,
    /** Decide bisection steps by the bounds where they can (false: always by at(σ); the tests compare the two). */
    private readonly useBounds = true,
  ) {}

  /** smECE_σ at a fixed bandwidth (relplot's smECE_sigma). */
  at(sigma: number): number {
    const hit = this.evals.get(sigma);
    if (hit !== undefined) return hit;
    const G = gridNodes(sigma);
    const data = this.dataSpectrum(G);
    const out = this.convolve(data, sigma, G);
    const { node: at, res: weight } = meshFor(meshPoints(sigma), G);
    // S_r of node b is out[2(G − 1 + b)], S_1 the entry after it (see convolve)
    const base = 2 * (G - 1);
    let num = 0;
    let den = 0;
    for (let j = 0; j < at.length; j++) {
      const k = base + 2 * at[j];
      const res = weight[j];
      num += Math.abs(out[k] * (1 - res) + out[k + 2] * res);
      den += out[k + 1] * (1 - res) + out[k + 3] * res + SMECE_DENSITY_EPS;
    }
    const v = num / den;
    this.evals.set(sigma, v);
    return v;
  }

  /** relplot's bandwidth search and the smECE at the bandwidth found. */
  compute(): SmoothEceResult {
    const inside = (s: number) => s < SMECE_MIN_SIGMA || this.below(s);
    let sigma = 1;
    if (!inside(1)) {
      let lo = 0;
      let hi = 1;
      for (let i = 0; i < SMECE_BISECTIONS; i++) {
        const mid = (lo + hi) / 2;
        if (inside(mid)) lo = mid;
        else hi = mid;
      }
      sigma = hi;
    }
    return { smece: this.at(sigma), sigma };
  }

  /**
   * Whether σ < smECE_σ (a step of the bandwidth search): from the transform-free bounds (meshWeights) when they
   * decide it, else from at(σ). Either way the answer at(σ) gives.
   */
  below(sigma: number): boolean {
    if (this.useBounds && !this.evals.has(sigma) && gridNodes(sigma) === BOUND_GRID) {
      const { lower, upper } = this.bounds(sigma);
      if (upper * (1 + BOUND_MARGIN) < sigma) return false;
      if (lower > sigma * (1 + BOUND_MARGIN)) return true;
    }
    return sigma < this.at(sigma);
  }

  /** The lower and upper bounds of smECE_σ on the G = 1001 grid (see meshWeights). */
  bounds(sigma: number): { lower: number; upper: number } {
    if (gridNodes(sigma) !== BOUND_GRID) throw new RangeError(`bounds are computed for σ ≥ 0.01 (G = ${BOUND_GRID}), got σ = ${sigma}`);
    const { vr, v1 } = this.gridOf(BOUND_GRID);
    const a = meshWeights(sigma);
    let signed = 0;
    let absolute = 0;
    let den = 0;
    for (let g = 0; g < a.length; g++) {
      const ag = a[g];
      const r = vr[g] * ag;
      signed += r;
      absolute += Math.abs(r);
      den += v1[g] * ag;
    }
    den += meshPoints(sigma) * SMECE_DENSITY_EPS;
    return { lower: Math.abs(signed) / den, upper: absolute / den };
  }

  /** The smoothed reliability curve at bandwidth σ on `points` equally spaced confidences in [0, 1]. */
  curve(sigma: number, points = SMOOTH_CURVE_POINTS): SmoothCurvePoint[] {
    const G = gridNodes(sigma);
    const { vy, v1, total } = this.grid(G, true);
    const size = nextPow2(2 * G - 1);
    const x = new Float64Array(2 * size);
    reflect(vy, x, 0);
    reflect(v1, x, 1);
    const z = new Float64Array(2 * size);
    fftPlan(size).transformInterleaved(x, z);
    const conv = this.convolve({ z, size }, sigma, G);
    const out: SmoothCurvePoint[] = [];
    const bucket = 1 / (G - 1);
    const base = 2 * (G - 1);
    for (let j = 0; j < points; j++) {
      const t = j === points - 1 ? 1 : j / (points - 1);
      const b = node(t, G - 1);
      const res = (t - b * bucket) / bucket;
      const k = base + 2 * b;
      const ay = conv[k] * (1 - res) + conv[k + 2] * res;
      const a1 = conv[k + 1] * (1 - res) + conv[k + 3] * res;
      out.push({ c: t, acc: ay / (a1 + SMECE_DENSITY_EPS), density: a1 / total });
    }
    return out;
  }

  /** The gridded residuals and counts for G nodes: the caller's, or computed once. */
  private gridOf(G: number): PresetGrid {
    let grid = this.presetGrids?.get(G) ?? this.grids.get(G);
    if (!grid) this.grids.set(G, (grid = this.grid(G, false)));
    return grid;
  }

  private grid(G: number, withY: boolean): { vr: Float64Array; v1: Float64Array; vy: Float64Array; total: number } {
    const { conf, correct, weights } = this;
    const vr = new Float64Array(G);
    const v1 = new Float64Array(G);
    const vy = new Float64Array(withY ? G : 0);
    const pos = this.positions && this.positions.nodes === G ? this.positions : null;
    const g1 = G - 1;
    let total = 0;
    for (let i = 0; i < conf.length; i++) {
      const w = weights ? weights[i] : 1;
      if (w === 0) continue;
      const c = conf[i];
      let b: number;
      let frac: number;
      if (pos) {
        b = pos.index[i];
        frac = pos.frac[i];
      } else {
        b = node(c, g1);
        frac = c * g1 - b;
      }
      const r = c - correct[i];
      vr[b] += w * ((1 - frac) * r);
      vr[b + 1] += w * (frac * r);
      v1[b] += w * (1 - frac);
      v1[b + 1] += w * frac;
      if (withY && correct[i]) {
        vy[b] += w * (1 - frac);
        vy[b + 1] += w * frac;
      }
      total += w;
    }
    return { vr, v1, vy, total };
  }

  private dataSpectrum(G: number): Spectrum & { size: number; total: number } {
    let spec = this.spectra.get(G);
    if (!spec) {
      const { vr, v1, total } = this.gridOf(G);
      const size = nextPow2(2 * G - 1);
      // Both grids in one complex transform: the kernel is real, so the real and imaginary parts of the
      // product's inverse are the two convolutions.
      const x = scratchFor(size).input;
      x.fill(0);
      reflect(vr, x, 0);
      reflect(v1, x, 1);
      const z = new Float64Array(2 * size);
      fftPlan(size).transformInterleaved(x, z);
      spec = { z, size, total };
      this.spectra.set(G, spec);
    }
    return spec;
  }

  /**
   * Convolves the packed pair (real part, imaginary part) with the kernel: the interleaved result, output node i of
   * the first convolution at out[2(i + G − 1)] (linear-convolution index i + 2h = i + G − 1), of the second right
   * after it. A view of a scratch buffer: valid until the next convolution.
   */
  private convolve(data: Spectrum & { size: number }, sigma: number, G: number): Float64Array {
    const size = data.size;
    const k = kernelSpectrum(sigma, G, size).z;
    const { input, output } = scratchFor(size);
    const z = data.z;
    for (let i = 0; i < 2 * size; i += 2) {
      const a = z[i];
      const b = z[i + 1];
      const c = k[i];
      const d = k[i + 1];
      input[i] = a * c - b * d;
      input[i + 1] = a * d + b * c;
    }
    fftPlan(size).transformInterleaved(input, output, true);
    return output;
  }
}

/** smECE with relplot's automatic bandwidth, plus the smoothed reliability curve at that bandwidth. */
export function smoothEce(
  conf: Float64Array,
  correct: Uint8Array,
  curvePoints = SMOOTH_CURVE_POINTS,
): SmoothEceResult & { curve: SmoothCurvePoint[] } {
  const s = new SmoothEce(conf, correct);
  const r = s.compute();
  return { ...r, curve: s.curve(r.sigma, curvePoints) };
}
