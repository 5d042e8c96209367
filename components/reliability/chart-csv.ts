/**
 * The chart's own CSV export (Export bar): one row per drawn bin, with the panel's metrics and where ECE came from.
 * Pure; the data twin's tidy table is reliability-table.ts.
 */
import type { PanelLanguage, ReliabilitySeries, StatsRow } from "@/lib/db/queries/reliability";
import type { BinningScheme } from "@/lib/view-state/filters";
import { toCsv } from "@/lib/charts/export";
import type { PanelMetrics } from "@/lib/views/reliability-view";

export const CHART_CSV_HEADER = [
  "benchmark", "language", "model", "sft_dataset", "smoothing", "run_id", "binning", "bins", "bin", "lower", "upper",
  "count", "accuracy", "confidence", "acc_lo", "acc_hi", "n", "ece", "rms", "mce", "smece", "ece_source",
];

export function chartCsv(opts: {
  benchmark: string;
  binning: BinningScheme;
  bins: number;
  panels: PanelLanguage[];
  series: ReliabilitySeries[];
  metrics: Record<string, Record<string, PanelMetrics>>;
  stats: Record<string, Record<string, StatsRow>>;
}): string {
  const rows: (string | number | null)[][] = [];
  for (const l of opts.panels)
    for (const s of opts.series) {
      const m = opts.metrics[s.model]?.[l.code];
      const row = opts.stats[s.model]?.[l.code];
      if (!m || !row) continue;
      for (const b of m.bins)
        rows.push([
          opts.benchmark, l.code, s.model, s.sftDataset, s.smoothing, row.runId, opts.binning, opts.bins,
          b.index, b.lower, b.upper, b.count, b.accuracy, b.confidence, b.accLo, b.accHi,
          row.n, m.ece, m.rms, m.mce, m.smece,
          m.stored ? "stored" : `merged from ${row.reliability.length} stored bins`,
        ]);
    }
  return toCsv(CHART_CSV_HEADER, rows);
}
