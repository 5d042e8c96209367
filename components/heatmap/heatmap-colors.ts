/**
 * Heatmap colour semantics derived from each metric's better direction, so that one hue always means "better":
 * the legend runs from the better end (left, dark purple) to the worse end (right) for every metric and for
 * absolute values and both Δ modes alike. Entropy has no better direction: its legend reads "lower ← → higher"
 * on a different (brown–teal) scale so it is never read as good/bad. Pure (d3 only, no DOM).
 */
import * as d3 from "d3";

export type Better = "lower" | "higher" | null;

export interface HeatmapScale {
  /** Fill for a value. */
  color(v: number): string;
  /** 0 at the legend's left end (better), 1 at its right end (worse); clamped. */
  position(v: number): number;
  /** Values at the legend's two ends. */
  left: number;
  right: number;
  leftLabel: string;
  rightLabel: string;
}

export function heatmapScale(values: number[], delta: boolean, better: Better): HeatmapScale {
  let left: number;
  let right: number;
  if (delta) {
    const m = d3.max(values, (v) => Math.abs(v)) || 1e-9;
    // Lower is better (or no direction): negative Δ at the left; higher is better: positive Δ at the left.
    [left, right] = better === "higher" ? [m, -m] : [-m, m];
  } else {
    const [lo, hi] = (d3.extent(values) as [number | undefined, number | undefined]).map((v, i) => v ?? i);
    const span = lo === hi ? [lo - 1e-9, hi + 1e-9] : [lo, hi];
    [left, right] = better === "higher" ? [span[1], span[0]] : [span[0], span[1]];
  }
  const interp = better === null ? (delta ? d3.interpolateBrBG : (t: number) => d3.interpolateCividis(1 - t)) : delta ? d3.interpolatePuOr : d3.interpolateViridis;
  const position = (v: number) => Math.min(1, Math.max(0, (v - left) / (right - left)));
  return {
    color: (v) => d3.rgb(interp(position(v))).formatHex(),
    position,
    left,
    right,
    leftLabel: better === null ? "lower" : "better",
    rightLabel: better === null ? "higher" : "worse",
  };
}
