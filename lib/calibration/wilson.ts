/**
 * Wilson score interval for a binomial proportion — used for per-bin accuracy in reliability
 * diagrams because, unlike the normal (Wald) interval, it stays inside [0, 1] and is sensible for bins
 * with few rows or with accuracy 0 or 1.
 */

/** z for a two-sided 95% interval: Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

/** [lo, hi] for `successes` out of `n` (n > 0); null for n = 0. */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] | null {
  if (!(n > 0)) return null;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
