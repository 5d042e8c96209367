/**
 * Spearman's rank correlation ρ with a seeded bootstrap interval — for "Δ ECE (tuned − base) against
 * the language's resource class", where x has heavy ties (six classes).
 *
 * ρ = Pearson correlation of the ranks, ties given their average rank (scipy.stats.spearmanr /
 * rankdata "average"). p-value: scipy's t approximation, t = ρ·sqrt((n − 2)/(1 − ρ²)) with n − 2 degrees
 * of freedom. Interval: B pairs-bootstrap resamples (n pairs drawn with replacement, sfc32 seeded —
 * prng.ts), ρ of each, percentile (type 7) interval as bootstrap.ts. A resample in which x or y is
 * constant has no ρ; it is dropped and counted in `degenerate`.
 */
import { percentileInterval, type Interval } from "./bootstrap";
import { Rng } from "./prng";
import { studentTTwoSided } from "./t-test";

/** Average ranks (1-based) of values; ties share the mean of their positions. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    i = j + 1;
  }
  return ranks;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Spearman's ρ (NaN when x or y is constant). */
export function spearmanRho(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`spearman: ${x.length} x values but ${y.length} y values`);
  return pearson(averageRanks(x), averageRanks(y));
}

export interface SpearmanResult {
  n: number;
  rho: number;
  /** Two-sided p-value (t approximation, as scipy). */
  pValue: number;
  interval: Interval;
  level: number;
  resamples: number;
  /** Resamples dropped because x or y was constant in them. */
  degenerate: number;
}

export function spearmanWithBootstrap(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: { resamples?: number; seed?: number | string; level?: number } = {},
): SpearmanResult {
  const n = x.length;
  if (n < 3) throw new RangeError(`spearman: need at least 3 pairs, got ${n}`);
  const rho = spearmanRho(x, y);
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  const df = n - 2;
  const pValue = Number.isNaN(rho) ? NaN : Math.abs(rho) === 1 ? 0 : studentTTwoSided(rho * Math.sqrt(df / (1 - rho * rho)), df);
  const rng = new Rng(opts.seed ?? 0);
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  const kept: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const k = rng.nextInt(n);
      bx[i] = x[k];
      by[i] = y[k];
    }
    const r = spearmanRho(bx, by);
    if (!Number.isNaN(r)) kept.push(r);
  }
  const interval: Interval = kept.length ? percentileInterval(Float64Array.from(kept), level) : [NaN, NaN];
  return { n, rho, pValue, interval, level, resamples, degenerate: resamples - kept.length };
}
