/**
 * Multiple-comparison adjustments of p-values, for per-language tests across up to 42 languages.
 * Both return adjusted p-values in the input order (compare them with α as usual); ties in p keep
 * their input order, which does not change the result.
 *
 *  - Holm (1979), "A simple sequentially rejective multiple test procedure": controls the
 *    family-wise error rate. With p sorted ascending, p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)).
 *  - Benjamini & Hochberg (1995), "Controlling the false discovery rate": controls the FDR under
 *    independence or positive dependence. p̃_(i) = min_{j ≥ i} min(1, m/j · p_(j)).
 * Same values as R's p.adjust(method = "holm" | "BH") and scipy.stats.false_discovery_control.
 */

export const ADJUSTMENTS = ["holm", "bh"] as const;
export type Adjustment = (typeof ADJUSTMENTS)[number];
export const ADJUSTMENT_LABELS: Record<Adjustment, string> = { holm: "Holm-adjusted (FWER)", bh: "Benjamini–Hochberg-adjusted (FDR)" };

function ascending(p: ArrayLike<number>): number[] {
  for (let i = 0; i < p.length; i++)
    if (!(p[i] >= 0 && p[i] <= 1)) throw new RangeError(`p-value ${i} must be in [0, 1], got ${p[i]}`);
  return Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
}

export function holm(p: ArrayLike<number>): Float64Array {
  const m = p.length;
  const order = ascending(p);
  const out = new Float64Array(m);
  let running = 0;
  order.forEach((idx, j) => {
    running = Math.max(running, Math.min(1, (m - j) * p[idx]));
    out[idx] = running;
  });
  return out;
}

export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const m = p.length;
  const order = ascending(p);
  const out = new Float64Array(m);
  let running = 1;
  for (let j = m - 1; j >= 0; j--) {
    const idx = order[j];
    running = Math.min(running, Math.min(1, (m / (j + 1)) * p[idx]));
    out[idx] = running;
  }
  return out;
}

export function adjustPValues(p: ArrayLike<number>, method: Adjustment): Float64Array {
  return method === "holm" ? holm(p) : benjaminiHochberg(p);
}

/**
 * Holm within families: `items[i]` belongs to `family` and has p-value `p` (null: not tested yet). Returns the
 * Holm-adjusted p of each item over the items of its family, or null while any test of that family is missing
 * (an adjusted p needs the whole family: with one test pending, no adjusted value is final).
 */
export function holmWithinFamilies(items: readonly { family: string; p: number | null }[]): (number | null)[] {
  const members = new Map<string, number[]>();
  items.forEach((it, i) => {
    const list = members.get(it.family);
    if (list) list.push(i);
    else members.set(it.family, [i]);
  });
  const out: (number | null)[] = items.map(() => null);
  for (const idx of members.values()) {
    if (idx.some((i) => items[i].p === null)) continue;
    const adjusted = holm(idx.map((i) => items[i].p as number));
    idx.forEach((i, k) => (out[i] = adjusted[k]));
  }
  return out;
}
