/**
 * One-dimensional minimisation on a log scale, used to fit a temperature.
 *
 * A dense scan of `grid` points in u = ln x over [ln lo, ln hi] finds the best grid point; golden-section
 * search then refines inside its two neighbouring intervals until the bracket is narrower than `tol`
 * in u (tol 1e-9 → x known to a relative 1e-9, far inside the 1e-6 the CLI promises). The scan makes the
 * result the global minimum whenever the function's dips are wider than one grid step (ln(hi/lo)/grid),
 * so it does not rely on convexity: the floored NLL of a temperature is convex in 1/T only where the
 * floor does not bind, and the top-label (binary) NLL need not be convex at all.
 */

export interface Minimum {
  /** The argmin x in [lo, hi]. */
  x: number;
  /** f(x). */
  value: number;
  /** True when x is within tol of a bound: the minimum may lie outside [lo, hi]. */
  atBound: boolean;
}

const INV_PHI = (Math.sqrt(5) - 1) / 2;

export function minimizeOnLogScale(f: (x: number) => number, lo: number, hi: number, opts: { grid?: number; tol?: number } = {}): Minimum {
  if (!(lo > 0 && hi > lo)) throw new RangeError(`minimizeOnLogScale: need 0 < lo < hi, got [${lo}, ${hi}]`);
  const grid = opts.grid ?? 96;
  const tol = opts.tol ?? 1e-9;
  const a0 = Math.log(lo);
  const b0 = Math.log(hi);
  const g = (u: number) => f(Math.exp(u));
  const step = (b0 - a0) / grid;
  let best = 0;
  let bestValue = Infinity;
  for (let k = 0; k <= grid; k++) {
    const v = g(a0 + k * step);
    if (v < bestValue) {
      bestValue = v;
      best = k;
    }
  }
  let a = a0 + Math.max(best - 1, 0) * step;
  let b = a0 + Math.min(best + 1, grid) * step;
  let c = b - INV_PHI * (b - a);
  let d = a + INV_PHI * (b - a);
  let fc = g(c);
  let fd = g(d);
  while (b - a > tol) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - INV_PHI * (b - a);
      fc = g(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + INV_PHI * (b - a);
      fd = g(d);
    }
  }
  let u = (a + b) / 2;
  let value = g(u);
  // The scan's best point (possibly a bound) wins if refinement did not improve on it.
  const scanned = a0 + best * step;
  if (bestValue < value) {
    u = scanned;
    value = bestValue;
  }
  return { x: Math.exp(u), value, atBound: u - a0 <= tol || b0 - u <= tol };
}
