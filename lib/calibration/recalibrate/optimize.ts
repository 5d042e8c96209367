/**
 * One-dimensional minimisation on a log scale, used to fit a temperature.
 *
 * A scan of `grid` + 1 points in u = ln x over [ln lo, ln hi] finds the best grid point; Brent's method
 * (parabolic interpolation with golden-section fallback; Brent 1973, "Algorithms for Minimization without
 * Derivatives", ch. 5 — the Numerical Recipes `brent` form) then refines inside its two neighbouring
 * intervals until the bracket is narrower than ~4·tol in u (tol 1e-9 → x known to a relative ~1e-9, far
 * inside the 1e-6 the CLI promises; float64 resolves a flat minimum to ~1e-8). The scan makes the result the
 * global minimum whenever the function's dips are wider than one grid step (ln(hi/lo)/grid), so it does not
 * rely on convexity: the floored NLL of a temperature is convex in 1/T only where the floor does not bind,
 * and the top-label (binary) NLL need not be convex at all.
 */

export interface Minimum {
  /** The argmin x in [lo, hi]. */
  x: number;
  /** f(x). */
  value: number;
  /** True when x is within tol of a bound: the minimum may lie outside [lo, hi]. */
  atBound: boolean;
}

const CGOLD = 0.3819660112501051; // (3 − √5) / 2

/** Brent's minimisation of g on [a, b] starting from its best known point x (g(x) = fx). */
function brent(g: (u: number) => number, a: number, b: number, x: number, fx: number, tol: number): { u: number; value: number } {
  let w = x;
  let v = x;
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  const tol1 = tol;
  const tol2 = 2 * tol;
  for (let iter = 0; iter < 200; iter++) {
    const xm = 0.5 * (a + b);
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) break;
    if (Math.abs(e) > tol1) {
      // parabola through (v, fv), (w, fw), (x, fx)
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      else q = -q;
      const etemp = e;
      e = d;
      if (Math.abs(p) >= Math.abs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x)) {
        e = x >= xm ? a - x : b - x;
        d = CGOLD * e;
      } else {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = xm - x >= 0 ? tol1 : -tol1;
      }
    } else {
      e = x >= xm ? a - x : b - x;
      d = CGOLD * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
    const fu = g(u);
    if (fu <= fx) {
      if (u >= x) a = x;
      else b = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { u: x, value: fx };
}

export const DEFAULT_GRID = 32;

/** The scan's points x_k = exp(ln lo + k·(ln hi − ln lo)/grid), k = 0..grid, as minimizeOnLogScale computes them. */
export function logScaleGrid(lo: number, hi: number, grid = DEFAULT_GRID): Float64Array {
  const a0 = Math.log(lo);
  const step = (Math.log(hi) - a0) / grid;
  return Float64Array.from({ length: grid + 1 }, (_, k) => Math.exp(a0 + k * step));
}

/**
 * `scanned`, when given, holds f at the scan's points (logScaleGrid order), computed by the caller — e.g.
 * once per cross-validation cell and summed per fit, instead of a full pass over the fitting rows per point;
 * the result is that of the full scan unless two grid points tie to the last bits.
 */
export function minimizeOnLogScale(f: (x: number) => number, lo: number, hi: number, opts: { grid?: number; tol?: number; scanned?: ArrayLike<number> } = {}): Minimum {
  if (!(lo > 0 && hi > lo)) throw new RangeError(`minimizeOnLogScale: need 0 < lo < hi, got [${lo}, ${hi}]`);
  const grid = opts.grid ?? DEFAULT_GRID;
  const tol = opts.tol ?? 1e-9;
  if (opts.scanned && opts.scanned.length !== grid + 1) throw new RangeError(`minimizeOnLogScale: scanned has ${opts.scanned.length} values, the grid ${grid + 1}`);
  const a0 = Math.log(lo);
  const b0 = Math.log(hi);
  const g = (u: number) => f(Math.exp(u));
  const step = (b0 - a0) / grid;
  let best = 0;
  let bestValue = Infinity;
  for (let k = 0; k <= grid; k++) {
    const v = opts.scanned ? opts.scanned[k] : g(a0 + k * step);
    if (v < bestValue) {
      bestValue = v;
      best = k;
    }
  }
  const scanned = a0 + best * step;
  // A precomputed scan only picks the bracket; its best point is evaluated here, so the refinement starts from
  // exactly the value a full scan gives (the precomputed sums may differ in the last bits: summation order).
  if (opts.scanned) bestValue = g(scanned);
  const { u, value } = brent(g, a0 + Math.max(best - 1, 0) * step, a0 + Math.min(best + 1, grid) * step, scanned, bestValue, tol);
  return { x: Math.exp(u), value, atBound: u - a0 <= 4 * tol || b0 - u <= 4 * tol };
}
