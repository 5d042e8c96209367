/** The chart's layout as numbers, without a DOM: geometry, grid, scales, ticks and what each mark draws. */
import { describe, expect, it } from "vitest";
import type { ReliabilitySeries, StatsRow } from "@/lib/db/queries/reliability";
import { geometry, grid, panelLayout, panelOrigin, presentSeries, type PresentSeries } from "./chart-layout";
import { type DisplayBin, packCurve, type PanelMetrics } from "@/lib/views/reliability-view";

const g = geometry(42); // small panels: w 296, margins 34/24, plot 254, histogram 44

function bin(index: number, count: number, accuracy: number | null, confidence: number | null, ci: [number, number] | null = null): DisplayBin {
  return { index, lower: index / 5, upper: (index + 1) / 5, count, accuracy, confidence, accLo: ci?.[0] ?? null, accHi: ci?.[1] ?? null };
}

function series(model: string, i: number, bins: DisplayBin[], smoothCurve: number[] | null = null): PresentSeries {
  const n = bins.reduce((s, b) => s + b.count, 0);
  const s: ReliabilitySeries = { model, family: "F", sftDataset: null, smoothing: null, base: null, label: model };
  const m: PanelMetrics = { bins, ece: 0.1, rms: 0.2, mce: 0.3, smece: 0.05, stored: true };
  const row: StatsRow = { runId: 7, model, language: "sw", bins: 5, n, ece: 0.1, rms: 0.2, mce: 0.3, smece: 0.05, reliability: [], smoothCurve };
  return { s, i, m, row };
}

// 10 questions: none below 0.2, 4 in [0.2, 0.4) (over-confident), 6 in [0.4, 0.6) (calibrated).
const A = [bin(0, 0, null, null), bin(1, 4, 0.25, 0.3, [0.05, 0.7]), bin(2, 6, 0.5, 0.5), bin(3, 0, null, null), bin(4, 0, null, null)];

describe("geometry and grid", () => {
  it("sizes panels by how many there are", () => {
    expect(geometry(1)).toEqual({ w: 560, h: 24 + 518 + 8 + 80 + 30, ml: 34, mt: 24, plot: 518, histTop: 550, hist: 80, font: 12, marker: 48 });
    expect(geometry(3).w).toBe(400);
    expect(g).toEqual({ w: 296, h: 360, ml: 34, mt: 24, plot: 254, histTop: 286, hist: 44, font: 10, marker: 26 });
  });

  it("fits as many columns as the width allows, at least one", () => {
    // (1220 + 6) / (296 + 6) = 4.06 → 4 columns, 11 rows; legend 18 × (3 series + 2) + 10.
    expect(grid(1220, 42, 3, g)).toEqual({ cols: 4, rows: 11, legendH: 100, gridW: 4 * 296 + 3 * 6, svgW: 1202, svgH: 100 + 11 * 366 });
    expect(grid(300, 42, 1, g).cols).toBe(1);
    expect(grid(5000, 2, 1, geometry(2)).cols).toBe(2); // never more columns than panels
    expect(grid(400, 1, 1, geometry(1)).svgW).toBe(560); // at least the panel
    expect(grid(1220, 42, 3, g).svgW).toBeLessThanOrEqual(1220);
  });

  it("places panel k row-major below the legend", () => {
    const layout = grid(1220, 42, 3, g);
    expect(panelOrigin(0, layout, g)).toEqual({ x: 0, y: 100 });
    expect(panelOrigin(5, layout, g)).toEqual({ x: 302, y: 100 + 366 });
  });
});

describe("panel layout", () => {
  it("maps confidence to x and accuracy to y over the square plot, ticks every 0.2", () => {
    const L = panelLayout(g, [series("A", 0, A)], false);
    expect([L.x(0), L.x(1), L.y(0), L.y(1)]).toEqual([0, 254, 254, 0]);
    expect(L.xTicks.map((t) => t.label)).toEqual(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    expect(L.yTicks.map((t) => t.y)).toEqual([254, 203.2, 152.4, 101.6, 50.8, 0].map((v) => expect.closeTo(v, 9)));
    expect(L.gridPath).toBe("M50.8,0V254M0,203.2H254M101.6,0V254M0,152.4H254M152.4,0V254M0,101.6H254M203.2,0V254M0,50.8H254");
  });

  it("draws one series: histogram share, gap by sign, whisker, line and a point per filled bin", () => {
    const L = panelLayout(g, [series("A", 0, A)], false);
    const [s] = L.series;
    expect(L.maxShare).toBe(0.6);
    // Bin 1: x 50.8 wide 50.8 (less 0.5 between bars); 4/10 of the questions over a histogram of 0.6 → 29.33 px.
    // Bin 2: 6/10 fills the 44 px strip.
    expect(s.hist).toBe("M50.8,14.67h50.3v29.33h-50.3Z" + "M101.6,0h50.3v44h-50.3Z");
    // Accuracy 0.25 below confidence 0.3: over-confident, from y(0.3) = 177.8 down to y(0.25) = 190.5.
    expect(s.over).toBe("M50.8,177.8h50.3v12.7h-50.3Z");
    // Accuracy = confidence: a zero-height under-confidence rectangle on the diagonal.
    expect(s.under).toBe("M101.6,127h50.3v0h-50.3Z");
    expect(s.whiskers).toBe("M76.2,241.3V76.2"); // at x(0.3), from y(0.05) to y(0.7); bin 2 has no interval
    expect(s.line).toBe("M76.2,190.5L127,127");
    expect(s.points.map((p) => [p.x, p.y, p.bin.index])).toEqual([[76.2, 190.5, 1], [127, 127, 2]]);
    expect(s.smooth).toBeNull();
    expect(L.compact).toBe(false);
    expect(L.metricsBox).toEqual({ width: 254 * 0.8, height: 1 * 13 + 4, lineHeight: 13 });
  });

  it("splits each bin's width into one slice per series, in drawing order", () => {
    const L = panelLayout(g, [series("A", 0, A), series("B", 1, A)], false);
    // Two series: each slice is half of the 50.8 px bin, less 0.5; the second starts half-way.
    expect(L.series[0].over).toBe("M50.8,177.8h24.9v12.7h-24.9Z");
    expect(L.series[1].over).toBe("M76.2,177.8h24.9v12.7h-24.9Z");
    // The points sit at the bin's (confidence, accuracy) whatever the slice.
    expect(L.series[1].points[0]).toMatchObject({ x: 76.2, y: 190.5 });
  });

  it("shows ECE only when many series share a small panel", () => {
    const five = [0, 1, 2, 3, 4].map((i) => series(`M${i}`, i, A));
    expect(panelLayout(g, five, false).compact).toBe(true);
    expect(panelLayout(geometry(1), five, false).compact).toBe(false);
    expect(panelLayout(g, five, false).metricsBox).toEqual({ width: 96, height: 5 * 13 + 4, lineHeight: 13 });
  });

  it("draws the smoothed curve only over the confidence range that holds questions, clamped to [0, 1]", () => {
    const curve = packCurve(Array.from({ length: 11 }, (_, k) => ({ c: k / 10, acc: k / 10 + 0.5 })), 1);
    const on = panelLayout(g, [series("A", 0, A, curve)], true).series[0];
    // Filled bins span [0.2, 0.6]: c = 0.2 … 0.6, accuracy 0.7, 0.8, 0.9, then 1.0 and 1.1 clamped to 1.
    expect(on.smooth).toBe("M50.8,76.2L76.2,50.8L101.6,25.4L127,0L152.4,0");
    expect(panelLayout(g, [series("A", 0, A, curve)], false).series[0].smooth).toBeNull();
    expect(panelLayout(g, [series("A", 0, A, null)], true).series[0].smooth).toBeNull();
  });
});

describe("presentSeries", () => {
  it("keeps the series with stats for the language, with their index among all series", () => {
    const a = series("A", 0, A);
    const b = series("B", 1, A);
    const c = series("C", 2, A);
    const metrics = { A: { sw: a.m }, C: { sw: c.m, de: c.m } };
    const stats = { A: { sw: a.row }, B: { sw: b.row }, C: { sw: c.row } };
    const got = presentSeries([a.s, b.s, c.s], metrics, stats, "sw");
    expect(got.map((p) => [p.s.model, p.i])).toEqual([["A", 0], ["C", 2]]);
    expect(presentSeries([a.s, b.s, c.s], metrics, stats, "de")).toEqual([]);
  });
});
