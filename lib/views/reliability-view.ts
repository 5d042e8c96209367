/**
 * Pure helpers of the reliability view, shared by the chart, its CSV export and tests: coarser
 * equal-width bins merged exactly from the stored ones, binned errors of merged bins, Δ ECE for panel
 * sorting, and the colour-blind-safe series styles (Okabe–Ito colours + dash patterns + marker shapes).
 */
import { wilsonInterval } from "@/lib/calibration/wilson";
import type { PanelLanguage, ReliabilitySeries, StatsRow, StoredBin } from "@/lib/db/queries/reliability";
import type { BinningScheme, PanelSort } from "@/lib/view-state/filters";

import { unpackBins } from "@/lib/charts/reliability-codec";

// The wire format lives in lib/ (the server packs, this view unpacks); re-exported for the view's own modules.
export { packBins, unpackBins, packCurve, unpackCurve, type PackedBin } from "@/lib/charts/reliability-codec";

export const OKABE_ITO = [
  "#000000",
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#F0E442",
] as const;
export const DASHES = ["", "6 3", "2 2", "8 3 2 3", "4 4", "1 3", "10 4", "3 3 1 3"] as const;
export const MARKERS = [
  "circle",
  "square",
  "triangle",
  "diamond",
  "cross",
  "star",
  "wye",
  "triangle-down",
] as const;
export type MarkerShape = (typeof MARKERS)[number];

export interface SeriesStyle {
  color: string;
  dash: string;
  marker: MarkerShape;
}

export function seriesStyle(i: number): SeriesStyle {
  return {
    color: OKABE_ITO[i % OKABE_ITO.length],
    dash: DASHES[(i + Math.floor(i / OKABE_ITO.length)) % DASHES.length],
    marker: MARKERS[i % MARKERS.length],
  };
}

/**
 * Bin counts the view can show without predictions: the stored count and, for equal-width bins, every
 * exact divisor ≥ 3 (adjacent stored bins merge into exactly the coarser equal-width bins). Equal-mass
 * groups do not merge exactly (numpy.array_split sizes), so only the stored count is offered.
 */
export function availableBinCounts(stored: number[], binning: BinningScheme): number[] {
  const out = new Set<number>(stored);
  if (binning === "equal-width") {
    for (const m of stored) for (let d = 3; d < m; d++) if (m % d === 0) out.add(d);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The bin count a reliability view shows: the `bins` parameter when given (it must be one the stored stats
 * offer), else 15 when offered, else the first stored count. The page and its data twin use this one rule.
 */
export function resolveBins(
  storedBins: number[],
  binning: BinningScheme,
  requested: number | undefined,
): { bins: number; binCounts: number[] } | { error: string } {
  const binCounts = availableBinCounts(storedBins.length ? storedBins : [15], binning);
  if (requested === undefined) return { bins: binCounts.includes(15) ? 15 : (storedBins[0] ?? 15), binCounts };
  if (binCounts.includes(requested)) return { bins: requested, binCounts };
  return {
    error: `invalid value "${requested}": ${binning} stats are stored for ${storedBins.join(", ")} bins; this view offers ${binCounts.join(", ")}`,
  };
}

/** A display bin: stored, or merged from `factor` adjacent stored bins (exact for equal-width). */
export interface DisplayBin extends StoredBin {
  index: number;
}

export function displayBins(stored: StoredBin[], target: number): DisplayBin[] {
  if (target === stored.length) return stored.map((b, index) => ({ ...b, index }));
  if (stored.length % target !== 0)
    throw new RangeError(`${stored.length} stored bins cannot merge into ${target}`);
  const f = stored.length / target;
  const out: DisplayBin[] = [];
  for (let g = 0; g < target; g++) {
    const part = stored.slice(g * f, (g + 1) * f);
    let count = 0;
    let correct = 0;
    let confSum = 0;
    for (const b of part) {
      if (!b.count) continue;
      count += b.count;
      correct += (b.accuracy ?? 0) * b.count;
      confSum += (b.confidence ?? 0) * b.count;
    }
    // Counts of correct answers are integers: rounding removes the float error of accuracy × count.
    const successes = Math.round(correct);
    const ci = wilsonInterval(successes, count);
    out.push({
      index: g,
      lower: part[0].lower,
      upper: part[part.length - 1].upper,
      count,
      accuracy: count ? successes / count : null,
      confidence: count ? confSum / count : null,
      accLo: ci ? ci[0] : null,
      accHi: ci ? ci[1] : null,
    });
  }
  return out;
}

/** ECE, RMS and MCE of a set of bins (the definitions of lib/calibration/binned-errors.ts). */
export function binErrors(bins: StoredBin[]): { ece: number; rms: number; mce: number } {
  const total = bins.reduce((s, b) => s + b.count, 0);
  let ece = 0;
  let ms = 0;
  let mce = 0;
  for (const b of bins) {
    if (!b.count || b.accuracy === null || b.confidence === null) continue;
    const gap = Math.abs(b.accuracy - b.confidence);
    ece += (b.count / total) * gap;
    ms += (b.count / total) * gap * gap;
    if (gap > mce) mce = gap;
  }
  return { ece, rms: Math.sqrt(ms), mce };
}

export interface PanelMetrics {
  bins: DisplayBin[];
  ece: number;
  rms: number;
  mce: number;
  smece: number;
  /** True when ece/rms/mce are the stored values (bin count = stored count). */
  stored: boolean;
}

export function panelMetrics(row: StatsRow, target: number): PanelMetrics {
  const stored = unpackBins(row.reliability);
  if (target === stored.length) {
    return {
      bins: displayBins(stored, target),
      ece: row.ece,
      rms: row.rms,
      mce: row.mce,
      smece: row.smece,
      stored: true,
    };
  }
  const bins = displayBins(stored, target);
  return {
    bins,
    ...binErrors(bins),
    smece: row.smece,
    stored: false,
  };
}

/** The comparison behind "sort by Δ ECE": the first tuned series against its base. */
export function deltaPair(series: ReliabilitySeries[]): { tuned: string; base: string } | null {
  const t = series.find((s) => s.base !== null && series.some((b) => b.model === s.base));
  return t ? { tuned: t.model, base: t.base as string } : null;
}

export function sortPanels(
  languages: PanelLanguage[],
  sort: PanelSort,
  delta: (code: string) => number | null,
): PanelLanguage[] {
  const out = [...languages];
  const byName = (a: PanelLanguage, b: PanelLanguage) => a.name.localeCompare(b.name);
  if (sort === "resource") out.sort((a, b) => b.resourceClass - a.resourceClass || byName(a, b));
  else if (sort === "dece-desc" || sort === "dece-asc") {
    const sign = sort === "dece-desc" ? -1 : 1;
    out.sort((a, b) => {
      const da = delta(a.code);
      const db = delta(b.code);
      if (da === null || db === null) return (da === null ? 1 : 0) - (db === null ? 1 : 0) || byName(a, b);
      return sign * (da - db) || byName(a, b);
    });
  } else out.sort(byName);
  return out;
}

