import "server-only";
/**
 * The heatmap mode "after recalibration (method, fit)" (issue 14 §2): each measured column's cells become the
 * out-of-sample ECE of its run after `method` fitted `fit` (per language / English only / pooled; 5-fold CV by
 * question, lib/calibration/recalibrate), from the same stored or computed result as /recalibration
 * (lib/db/queries/recalibration.ts: RecalibrationResult, computed on the compute threads, single flight). Nothing
 * is computed on the request thread: a run whose result is not ready yet is listed as pending and the page shows
 * "computing…" until it is. Published columns have no predictions to refit and are left out.
 */
import type pg from "pg";
import type { FitScope, RecalibrationMethod } from "../../calibration/recalibrate/index";
import type { ViewState } from "../../view-state/filters";
import { type HeatmapData, heatmapForState } from "./heatmap";
import { recalibrationStatus } from "./recalibration";

export interface RecalibratedHeatmap {
  data: HeatmapData;
  /** Models whose result is being computed (or waits for a compute thread). */
  pending: string[];
  /** The compute queue was full: retry after this many seconds. */
  busy: boolean;
  /** Models whose computation failed, with the reason. */
  failed: { model: string; message: string }[];
}

export async function recalibratedHeatmap(pool: pg.Pool, data: HeatmapData, method: RecalibrationMethod, fit: FitScope): Promise<RecalibratedHeatmap> {
  const columns = data.columns.filter((c) => c.source === "measured");
  const values: HeatmapData["values"] = {};
  const pending: string[] = [];
  const failed: RecalibratedHeatmap["failed"] = [];
  let busy = false;
  // One status per model, in turn: each starts at most one computation, and the compute pool bounds them.
  for (const c of columns) {
    const s = await recalibrationStatus(pool, data.benchmark, c.model, method);
    if (s.state === "ready") {
      const col: Record<string, string> = {};
      for (const l of s.view.languages) {
        const after = l.after[fit];
        if (after) col[l.language] = String(after.ece);
      }
      values[c.key] = col;
    } else if (s.state === "pending") pending.push(c.model);
    else if (s.state === "busy") {
      busy = true;
      pending.push(c.model);
    } else if (s.state === "failed") failed.push({ model: c.model, message: s.message });
  }
  const shown = columns.filter((c) => values[c.key]);
  const keys = new Set(shown.map((c) => c.key));
  const pick = <T>(m: Record<string, T>) => Object.fromEntries(Object.entries(m).filter(([k]) => keys.has(k)));
  const langs = new Set(shown.flatMap((c) => Object.keys(values[c.key])));
  return {
    data: {
      ...data,
      metric: "ece",
      columns: shown.map((c) => ({ ...c, baseKey: null })),
      languages: data.languages.filter((l) => langs.has(l.code)),
      values,
      runs: pick(data.runs),
      counts: pick(data.counts),
    },
    pending,
    busy,
    failed,
  };
}

/** What the heatmap page and its data twin draw for a view state: the table, and the matrix mode to build it in. */
export async function heatmapView(
  pool: pg.Pool,
  state: Parameters<typeof heatmapForState>[1] & { mode: ViewState["mode"]; method: RecalibrationMethod; fit: FitScope },
): Promise<{ all: HeatmapData | null; data: HeatmapData | null; matrixMode: Exclude<ViewState["mode"], "recalibrated">; recal: RecalibratedHeatmap | null }> {
  if (state.mode !== "recalibrated") return { ...(await heatmapForState(pool, state)), matrixMode: state.mode, recal: null };
  // Recalibration refits the whole run's predictions: measured runs, whole languages (no slice), ECE.
  const { all, data } = await heatmapForState(pool, { ...state, metric: "ece", source: "measured", slice: undefined });
  if (!data) return { all, data, matrixMode: "absolute", recal: null };
  const recal = await recalibratedHeatmap(pool, data, state.method, state.fit);
  return { all, data: recal.data, matrixMode: "absolute", recal };
}
