/**
 * SVG path data of a series marker (d3 symbols), at the origin: the reliability and smoothing charts draw the same
 * marker shapes for the same series styles (reliability-view.ts). Cached: every point of a series uses one path.
 */
import {
  symbol,
  symbolCircle,
  symbolCross,
  symbolDiamond,
  symbolSquare,
  symbolStar,
  symbolTriangle,
  symbolTriangle2,
  symbolWye,
  type SymbolType,
} from "d3";
import type { MarkerShape } from "@/lib/views/reliability-view";

const SYMBOL: Record<MarkerShape, SymbolType> = {
  circle: symbolCircle,
  square: symbolSquare,
  triangle: symbolTriangle,
  diamond: symbolDiamond,
  cross: symbolCross,
  star: symbolStar,
  wye: symbolWye,
  "triangle-down": symbolTriangle2,
};

const cache = new Map<string, string>();

/** The marker's path for a symbol of `size` square pixels. */
export function markerPath(shape: MarkerShape, size: number): string {
  const key = `${shape}|${size}`;
  let d = cache.get(key);
  if (d === undefined) cache.set(key, (d = symbol(SYMBOL[shape], size)() ?? ""));
  return d;
}
