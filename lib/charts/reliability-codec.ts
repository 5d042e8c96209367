/**
 * The reliability bins' wire format between the server (lib/db/queries/reliability.ts packs) and the browser
 * (components/reliability unpacks): lossless, about a quarter of the bytes of the JSON objects.
 */
import { wilsonInterval } from "../calibration/wilson";
import type { StoredBin } from "../db/queries/reliability";
import type { BinningScheme } from "../view-state/filters";

/**
 * A stored bin packed for the browser, losslessly:
 *  - `[count]` — an empty equal-width bin (edges k/M and (k+1)/M, no accuracy);
 *  - `[count, correct, confidence]` — an equal-width bin whose accuracy is correct/count and whose
 *    interval is wilsonInterval(correct, count), bit for bit (what lib/calibration stores);
 *  - `[count, correct, confidence, lower, upper]` — the same for an equal-mass bin (edges stored);
 *  - the full `[lower, upper, count, accuracy, confidence, accLo, accHi, 0]` otherwise.
 * The encoder checks every derivation against the stored numbers, so decoding gives back exactly the
 * stored bin (about a quarter of the bytes of the JSON objects).
 */
export type PackedBin = number[];

const sameInterval = (count: number, correct: number, lo: number | null, hi: number | null) => {
  const ci = wilsonInterval(correct, count);
  return ci !== null && ci[0] === lo && ci[1] === hi;
};

export function packBins(bins: StoredBin[], binning: BinningScheme): PackedBin[] {
  const m = bins.length;
  return bins.map((b, k) => {
    const widthEdges = b.lower === k / m && b.upper === (k + 1) / m;
    if (
      b.count === 0 &&
      binning === "equal-width" &&
      widthEdges &&
      b.accuracy === null &&
      b.confidence === null
    )
      return [0];
    if (b.count > 0 && b.accuracy !== null && b.confidence !== null) {
      const correct = Math.round(b.accuracy * b.count);
      if (correct / b.count === b.accuracy && sameInterval(b.count, correct, b.accLo, b.accHi)) {
        if (binning === "equal-width" && widthEdges) return [b.count, correct, b.confidence];
        if (binning === "equal-mass") return [b.count, correct, b.confidence, b.lower, b.upper];
      }
    }
    return [
      b.lower,
      b.upper,
      b.count,
      b.accuracy ?? NaN,
      b.confidence ?? NaN,
      b.accLo ?? NaN,
      b.accHi ?? NaN,
      0,
    ];
  });
}

export function unpackBins(packed: PackedBin[]): StoredBin[] {
  const m = packed.length;
  const nn = (x: number) => (Number.isNaN(x) ? null : x);
  return packed.map((p, k) => {
    if (p.length === 8)
      return {
        lower: p[0],
        upper: p[1],
        count: p[2],
        accuracy: nn(p[3]),
        confidence: nn(p[4]),
        accLo: nn(p[5]),
        accHi: nn(p[6]),
      };
    if (p.length === 1)
      return {
        lower: k / m,
        upper: (k + 1) / m,
        count: 0,
        accuracy: null,
        confidence: null,
        accLo: null,
        accHi: null,
      };
    const [count, correct, confidence] = p;
    const ci = wilsonInterval(correct, count) as [number, number];
    return {
      lower: p.length === 5 ? p[3] : k / m,
      upper: p.length === 5 ? p[4] : (k + 1) / m,
      count,
      accuracy: correct / count,
      confidence,
      accLo: ci[0],
      accHi: ci[1],
    };
  });
}

/**
 * The smoothed curve packed as [c0, dc, acc…] on a uniform grid, else [-1, 0, c, acc, c, acc, …]; every
 * `every`-th point, acc to 4 decimals (it is drawn, not compared).
 */
export function packCurve(points: { c: number; acc: number }[], every = 2): number[] {
  const pts = points.filter((_, i, a) => i % every === 0 || i === a.length - 1);
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  if (pts.length >= 2) {
    const c0 = pts[0].c;
    const dc = (pts[pts.length - 1].c - c0) / (pts.length - 1);
    if (pts.every((p, i) => Math.abs(p.c - (c0 + i * dc)) <= 1e-9))
      return [c0, dc, ...pts.map((p) => r4(p.acc))];
  }
  return [-1, 0, ...pts.flatMap((p) => [p.c, r4(p.acc)])];
}

export function unpackCurve(packed: number[]): [number, number][] {
  const [c0, dc, ...rest] = packed;
  if (c0 === -1) return rest.flatMap((c, i) => (i % 2 ? [] : [[c, rest[i + 1]] as [number, number]]));
  return rest.map((a, i) => [c0 + i * dc, a]);
}

/** Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies. Black first: the base. */
