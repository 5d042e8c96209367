/**
 * The `/reliability` view's data in tidy long form (one value per row) for its data twin and `calib report
 * --view reliability`: per run × language, each shown bin's count, confidence, accuracy and Wilson 95% interval,
 * then the panel metrics (ECE, RMS, MCE at the shown bin count; smECE). The bins are the ones the chart draws
 * (panelMetrics: stored, or merged exactly into a coarser equal-width count). Pure.
 */
import type { ReliabilityData } from "@/lib/db/queries/reliability";
import { cleanFloat, formatBeta } from "@/lib/format";
import { METRIC_SPECS } from "@/lib/calibration/registry";
import type { Row } from "@/lib/view-state/data-out";
import { panelMetrics } from "./reliability-view";

export const RELIABILITY_COLUMNS = [
  "benchmark", "binning", "bins", "language", "language_name", "model", "family", "sft_dataset", "beta", "base_model",
  "run_id", "n", "bin", "lower", "upper", "measure", "value",
];
/** Per-bin measures, in row order; acc_lo/acc_hi are the Wilson 95% interval of the bin's accuracy. */
export const BIN_MEASURES = ["count", "confidence", "accuracy", "acc_lo", "acc_hi"] as const;
/** The top-label calibration errors (lib/calibration/registry.ts): binned per binning, then smECE. */
export const PANEL_MEASURES = METRIC_SPECS.filter((s) => s.perBinning || s.score === "kernel").map((s) => s.key);

const num = (v: number | null) => (v === null ? null : cleanFloat(v));

export function reliabilityRows(data: ReliabilityData, bins: number): Row[] {
  const rows: Row[] = [];
  for (const s of data.series)
    for (const lang of data.languages) {
      const stats = data.stats[s.model]?.[lang.code];
      if (!stats) continue;
      const pm = panelMetrics(stats, bins);
      const head = {
        benchmark: data.benchmark,
        binning: data.binning,
        bins,
        language: lang.code,
        language_name: lang.name,
        model: s.model,
        family: s.family,
        sft_dataset: s.sftDataset,
        beta: s.smoothing === null ? null : formatBeta(s.smoothing),
        base_model: s.base,
        run_id: stats.runId,
        n: stats.n,
      };
      for (const b of pm.bins) {
        const values = { count: b.count, confidence: b.confidence, accuracy: b.accuracy, acc_lo: b.accLo, acc_hi: b.accHi };
        for (const m of BIN_MEASURES)
          rows.push({ ...head, bin: b.index, lower: num(b.lower), upper: num(b.upper), measure: m, value: num(values[m]) });
      }
      for (const m of PANEL_MEASURES) rows.push({ ...head, bin: null, lower: null, upper: null, measure: m, value: num(pm[m]) });
    }
  return rows;
}
