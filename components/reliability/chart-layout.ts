/**
 * The reliability chart's layout, pure (no React, no DOM): panel geometry, the grid of panels, the shared scales,
 * tick positions and, per series, what each mark draws (path data and positions). The marks in ./marks render
 * these numbers as SVG; the unit tests compare them without a browser.
 *
 * Within a panel, x is confidence and y accuracy, both [0, 1] on a square plot; the histogram beneath shares x.
 * A bin's width is split into one slice per series (in drawing order), so overlaid series never hide each other's
 * gap rectangles or histogram bars.
 */
import { format, line as d3line, scaleLinear, type ScaleLinear } from "d3";
import type { ReliabilitySeries, StatsRow } from "@/lib/db/queries/reliability";
import { type DisplayBin, type PanelMetrics, unpackCurve } from "@/lib/views/reliability-view";

/** Space between panels (px). */
export const GAP = 6;
/** Tick values on both axes. */
export const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];
export const fmtTick = format(".1f");

/** Path coordinates are rounded to 0.01 px: shorter SVG, no visible difference. */
export const r2 = (x: number) => Math.round(x * 100) / 100;
/** An axis-aligned rectangle as path data (one <path> per series holds all its rectangles). */
export const rect = (x: number, y: number, w: number, h: number) =>
  `M${r2(x)},${r2(y)}h${r2(w)}v${r2(h)}h${r2(-w)}Z`;

/** One panel's box: width/height, left and top margins, the square plot's side, the histogram strip beneath. */
export interface Geometry {
  w: number;
  h: number;
  ml: number;
  mt: number;
  plot: number;
  histTop: number;
  hist: number;
  font: number;
  /** Marker area (d3 symbol size) of a bin's point. */
  marker: number;
}

/** Larger panels for fewer languages: one fills the row, two or three share it, more go small. */
export function geometry(panels: number): Geometry {
  const w = panels === 1 ? 560 : panels <= 3 ? 400 : 296;
  const font = panels === 1 ? 12 : 10;
  const ml = 34;
  const mt = 24;
  const plot = w - ml - 8;
  const hist = panels === 1 ? 80 : 44;
  const histTop = mt + plot + 8;
  return { w, h: histTop + hist + 30, ml, mt, plot, histTop, hist, font, marker: panels === 1 ? 48 : 26 };
}

export interface Grid {
  cols: number;
  rows: number;
  /** Height of the legend strip above the panels. */
  legendH: number;
  /** Width of the panel grid itself. */
  gridW: number;
  /** The whole figure (legend + panels), as exported. */
  svgW: number;
  svgH: number;
}

/** As many columns as fit `width`, at least one. */
export function grid(width: number, panels: number, seriesCount: number, g: Geometry): Grid {
  const cols = Math.max(1, Math.min(panels, Math.floor((width + GAP) / (g.w + GAP))));
  const legendH = 18 * (seriesCount + 2) + 10;
  const rows = Math.ceil(panels / cols);
  const gridW = cols * g.w + (cols - 1) * GAP;
  return { cols, rows, legendH, gridW, svgW: Math.max(gridW, Math.min(width, 960)), svgH: legendH + rows * (g.h + GAP) };
}

/** Where panel k sits in the exported figure (below the legend, row-major). */
export function panelOrigin(k: number, layout: Grid, g: Geometry): { x: number; y: number } {
  return { x: (k % layout.cols) * (g.w + GAP), y: layout.legendH + Math.floor(k / layout.cols) * (g.h + GAP) };
}

/** A series drawn in a panel: its index among all series (its style), its metrics and stored row. */
export interface PresentSeries {
  s: ReliabilitySeries;
  i: number;
  m: PanelMetrics;
  row: StatsRow;
}

/** The series that have stats for this language, in drawing order. */
export function presentSeries(
  series: ReliabilitySeries[],
  metrics: Record<string, Record<string, PanelMetrics>>,
  stats: Record<string, Record<string, StatsRow>>,
  language: string,
): PresentSeries[] {
  return series
    .map((s, i) => ({ s, i, m: metrics[s.model]?.[language], row: stats[s.model]?.[language] }))
    .filter((p): p is PresentSeries => !!p.m && !!p.row);
}

/** A bin's point: its marker's centre, and the bin it carries (hover/click target). */
export interface BinPoint {
  x: number;
  y: number;
  bin: DisplayBin;
}

/** What one series draws in one panel. */
export interface SeriesMarks {
  /** Gap rectangles where accuracy < confidence (over-confident), as one path. */
  over: string;
  /** Gap rectangles where accuracy ≥ confidence. */
  under: string;
  /** Wilson interval whiskers at each bin's confidence. */
  whiskers: string;
  /** Histogram bars (share of the series' questions per bin), in histogram-strip coordinates. */
  hist: string;
  /** The line through the bins' (confidence, accuracy). */
  line: string;
  points: BinPoint[];
  /** The smoothed (kernel) curve over the confidence range that holds questions; null when not drawn. */
  smooth: string | null;
}

export interface PanelLayout {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  /** The largest share of a series' questions in one bin: the histogram's full height. */
  maxShare: number;
  /** Many series in a small panel: the corner shows ECE only. */
  compact: boolean;
  /** Light grid lines at the inner ticks. */
  gridPath: string;
  yTicks: { label: string; y: number }[];
  xTicks: { label: string; x: number }[];
  series: SeriesMarks[];
  /** The corner box of ECE/RMS/smECE lines. */
  metricsBox: { width: number; height: number; lineHeight: number };
}

export function panelLayout(g: Geometry, present: PresentSeries[], smooth: boolean): PanelLayout {
  const sx = scaleLinear().domain([0, 1]).range([0, g.plot]);
  const sy = scaleLinear().domain([0, 1]).range([g.plot, 0]);
  const k = Math.max(1, present.length);
  let maxShare = 0;
  for (const p of present) for (const b of p.m.bins) maxShare = Math.max(maxShare, b.count / p.row.n);
  const sh = scaleLinear()
    .domain([0, maxShare || 1])
    .range([0, g.hist]);
  const line = d3line<[number, number]>()
    .x((d) => r2(sx(d[0])))
    .y((d) => r2(sy(d[1])));
  const compact = present.length > 4 && g.w < 400;

  const series = present.map(({ m, row }, j): SeriesMarks => {
    let over = "";
    let under = "";
    let whiskers = "";
    let hist = "";
    const pts: [number, number][] = [];
    const points: BinPoint[] = [];
    for (const b of m.bins) {
      if (!b.count) continue;
      const x0 = sx(b.lower);
      const wBin = Math.max(1.5 * k, sx(b.upper) - x0);
      const xs = x0 + (wBin / k) * j;
      const ws = Math.max(1, wBin / k - 0.5);
      const h = sh(b.count / row.n);
      hist += rect(xs, g.hist - h, ws, h);
      if (b.accuracy === null || b.confidence === null) continue;
      pts.push([b.confidence, b.accuracy]);
      points.push({ x: r2(sx(b.confidence)), y: r2(sy(b.accuracy)), bin: b });
      const y0 = sy(b.confidence);
      const y1 = sy(b.accuracy);
      const gap = rect(xs, Math.min(y0, y1), Math.max(1.5, ws), Math.abs(y1 - y0));
      if (b.accuracy < b.confidence) over += gap;
      else under += gap;
      if (b.accLo !== null && b.accHi !== null)
        whiskers += `M${r2(sx(b.confidence))},${r2(sy(b.accLo))}V${r2(sy(b.accHi))}`;
    }
    return { over, under, whiskers, hist, line: line(pts) ?? "", points, smooth: smooth ? smoothPath(m, row, line) : null };
  });

  return {
    x: sx,
    y: sy,
    maxShare,
    compact,
    gridPath: TICKS.slice(1, -1)
      .map((t) => `M${r2(sx(t))},0V${g.plot}M0,${r2(sy(t))}H${g.plot}`)
      .join(""),
    yTicks: TICKS.map((t) => ({ label: fmtTick(t), y: sy(t) })),
    xTicks: TICKS.map((t) => ({ label: fmtTick(t), x: sx(t) })),
    series,
    metricsBox: {
      width: compact ? 96 : g.plot * 0.8,
      height: present.length * (g.font + 3) + 4,
      lineHeight: g.font + 3,
    },
  };
}

/** The kernel curve only where the series has questions: elsewhere it is an extrapolation. */
function smoothPath(m: PanelMetrics, row: StatsRow, line: (pts: [number, number][]) => string | null): string | null {
  if (!row.smoothCurve) return null;
  const filled = m.bins.filter((b) => b.count > 0);
  const lo = filled[0]?.lower ?? 0;
  const hi = filled[filled.length - 1]?.upper ?? 1;
  const pts = unpackCurve(row.smoothCurve)
    .filter(([c]) => c >= lo - 1e-9 && c <= hi + 1e-9)
    .map(([c, acc]) => [c, Math.min(1, Math.max(0, acc))] as [number, number]);
  return line(pts) ?? "";
}
