/**
 * A deliberately naive, object-based re-implementation of every metric, written from the formulas in
 * README.md ("Metrics") and sharing no code with the library: plain arrays of row objects, Array.sort, one
 * metric at a time, and a direct O(G²) convolution for smECE. Tests compare the library against it.
 */

export interface NaiveRow {
  probs: number[];
  label?: number;
  /** For top-label rows: given confidence and correctness. */
  confidence?: number;
  correct?: boolean;
}

interface TopRow {
  c: number;
  ok: number;
  index: number;
}

function topRows(rows: NaiveRow[]): TopRow[] {
  return rows.map((r, index) => {
    if (r.label === undefined) return { c: r.confidence ?? Math.max(...r.probs), ok: r.correct ? 1 : 0, index };
    let best = 0;
    r.probs.forEach((p, k) => {
      if (p > r.probs[best]) best = k;
    });
    return { c: r.probs[best], ok: best === r.label ? 1 : 0, index };
  });
}

/** Groups of a list cut like numpy.array_split. */
function arraySplit<T>(items: T[], m: number): T[][] {
  const q = Math.floor(items.length / m);
  const extra = items.length % m;
  const out: T[][] = [];
  let pos = 0;
  for (let g = 0; g < m; g++) {
    const size = g < extra ? q + 1 : q;
    out.push(items.slice(pos, pos + size));
    pos += size;
  }
  return out;
}

function equalWidthGroups<T>(items: T[], value: (t: T) => number, m: number): T[][] {
  const groups: T[][] = Array.from({ length: m }, () => []);
  for (const it of items) {
    const b = Math.min(Math.floor(value(it) * m), m - 1);
    groups[b].push(it);
  }
  return groups;
}

function equalMassGroups<T>(items: T[], value: (t: T) => number, m: number): T[][] {
  // Array.prototype.sort is stable: ties keep input order.
  return arraySplit([...items].sort((a, b) => value(a) - value(b)), m);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function naiveBinnedErrors(rows: NaiveRow[], m: number, binning: "equal-width" | "equal-mass") {
  const top = topRows(rows);
  const groups = binning === "equal-width" ? equalWidthGroups(top, (t) => t.c, m) : equalMassGroups(top, (t) => t.c, m);
  let ece = 0;
  let ms = 0;
  let mce = 0;
  const bins = groups.map((g) => {
    if (g.length === 0) return { count: 0, accuracy: null as number | null, confidence: null as number | null };
    const acc = mean(g.map((t) => t.ok));
    const conf = mean(g.map((t) => t.c));
    const gap = Math.abs(acc - conf);
    ece += (g.length / top.length) * gap;
    ms += (g.length / top.length) * gap * gap;
    mce = Math.max(mce, gap);
    return { count: g.length, accuracy: acc, confidence: conf };
  });
  return { ece, rms: Math.sqrt(ms), mce, bins };
}

export function naiveScalars(rows: NaiveRow[]) {
  const top = topRows(rows);
  const accuracy = mean(top.map((t) => t.ok));
  const confidence = mean(top.map((t) => t.c));
  const entropyBits = mean(rows.map((r) => -r.probs.reduce((s, p) => (p === 0 ? s : s + p * Math.log2(p)), 0)));
  const labelled = rows.every((r) => r.label !== undefined);
  const brier = labelled ? mean(rows.map((r) => r.probs.reduce((s, p, k) => s + (p - (k === r.label ? 1 : 0)) ** 2, 0))) : null;
  const nll = labelled ? mean(rows.map((r) => -Math.log(Math.max(r.probs[r.label as number], 1e-12)))) : null;
  return { accuracy, confidence, overconfidence: confidence - accuracy, entropyBits, brier, nll };
}

/** Rows having option k, as {p, y} items in row order. */
function classItems(rows: NaiveRow[], k: number) {
  return rows.filter((r) => r.probs.length > k).map((r) => ({ p: r.probs[k], y: r.label === k ? 1 : 0 }));
}

export function naiveSce(rows: NaiveRow[], m: number): number {
  const K = rows.reduce((k, r) => Math.max(k, r.probs.length), 0);
  let total = 0;
  for (let k = 0; k < K; k++) {
    const items = classItems(rows, k);
    for (const g of equalWidthGroups(items, (t) => t.p, m)) {
      if (g.length === 0) continue;
      total += (g.length / items.length) * Math.abs(mean(g.map((t) => t.y)) - mean(g.map((t) => t.p)));
    }
  }
  return total / K;
}

export function naiveAce(rows: NaiveRow[], r: number): number {
  const K = rows.reduce((k, row) => Math.max(k, row.probs.length), 0);
  let total = 0;
  for (let k = 0; k < K; k++) {
    for (const g of equalMassGroups(classItems(rows, k), (t) => t.p, r)) {
      if (g.length === 0) continue;
      total += Math.abs(mean(g.map((t) => t.y)) - mean(g.map((t) => t.p)));
    }
  }
  return total / (K * r);
}

// ---- smECE, directly from the definition (relplot's algorithm), without FFT ----

function pyRound(x: number): number {
  const f = Math.floor(x);
  return x - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(x);
}

function linspace(n: number): number[] {
  return Array.from({ length: n }, (_, j) => (j === n - 1 ? 1 : j * (1 / (n - 1))));
}

function smoothedOnGrid(cs: number[], vs: number[], sigma: number, G: number): number[] {
  const grid = new Array<number>(G).fill(0);
  cs.forEach((c, i) => {
    const b = Math.min(Math.max(Math.trunc(c * (G - 1)), 0), G - 2);
    const frac = c * (G - 1) - b;
    grid[b] += (1 - frac) * vs[i];
    grid[b + 1] += frac * vs[i];
  });
  const ker = linspace(G).map((t) => Math.exp(-(t - 0.5) * (t - 0.5) / (2 * sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma));
  const h = (G - 1) / 2;
  const at = (p: number) => (p < 0 ? grid[-p] : p > G - 1 ? grid[2 * (G - 1) - p] : grid[p]);
  const out: number[] = [];
  for (let i = 0; i < G; i++) {
    let s = 0;
    for (let m = 0; m < G; m++) s += at(i - (m - h)) * ker[m];
    out.push(s);
  }
  return out;
}

function interpolate(ts: number[], ys: number[]): number[] {
  const G = ys.length;
  const bucket = 1 / (G - 1);
  return ts.map((t) => {
    const b = Math.min(Math.max(Math.trunc(t * (G - 1)), 0), G - 2);
    const res = (t - b * bucket) / bucket;
    return ys[b] * (1 - res) + ys[b + 1] * res;
  });
}

export function naiveSmeceAt(cs: number[], ys: number[], sigma: number): number {
  const G = Math.floor(Math.max(2000, pyRound(20 / sigma)) / 2) + 1;
  const T = Math.max(pyRound(10 / sigma), 200);
  const ts = linspace(T);
  const r = interpolate(ts, smoothedOnGrid(cs, cs.map((c, i) => c - ys[i]), sigma, G));
  const d = interpolate(ts, smoothedOnGrid(cs, cs.map(() => 1), sigma, G)).map((v) => v + 1e-4);
  const rs = r.map((v, j) => v / d[j]);
  return rs.reduce((s, v, j) => s + Math.abs(v) * d[j], 0) / d.reduce((a, b) => a + b, 0);
}

export function naiveSmece(cs: number[], ys: number[]): { smece: number; sigma: number } {
  const inside = (s: number) => s < 0.001 || s < naiveSmeceAt(cs, ys, s);
  let sigma = 1;
  if (!inside(1)) {
    let start = 1;
    let end = 0;
    for (let i = 0; i < 10; i++) {
      const mid = (start + end) / 2;
      if (inside(mid)) end = mid;
      else start = mid;
    }
    sigma = start;
  }
  return { smece: naiveSmeceAt(cs, ys, sigma), sigma };
}
