/**
 * The tidy table behind each view with a data twin, from the view's own parameters: one function per view, used
 * by the /api/views/* routes (handler.ts) and by `calib report --view` (cli/commands/report.ts), so that the
 * twin's CSV and the CLI's are the same table. Each reads the same query functions as its page. No file paths.
 */
import type pg from "pg";
import { buildMatrix } from "./heatmap-matrix";
import { RELIABILITY_COLUMNS, reliabilityRows } from "./reliability-table";
import { resolveBins } from "./reliability-view";
import { RUNS_COLUMNS, runsRows } from "./runs-table";
import { SMOOTHING_COLUMNS, smoothingRows } from "./smoothing-table";
import { cleanFloat } from "@/lib/format";
import { heatmapView } from "@/lib/db/queries/heatmap-recalibrated";
import { getReliabilityData, reliabilityQueryForState } from "@/lib/db/queries/reliability";
import { getResultsCached } from "@/lib/db/queries/results";
import { resultsQueryForState } from "@/lib/db/queries/results-columns";
import { listRuns } from "@/lib/db/queries/runs";
import { getSmoothingDataCached, smoothingQueryForState } from "@/lib/db/queries/smoothing";
import { badInput } from "@/lib/errors";
import { betaCell } from "@/lib/view-state/config";
import type { Row } from "@/lib/view-state/data-out";
import type { ViewState } from "@/lib/view-state/filters";

export interface ViewTable {
  columns: string[];
  rows: Row[];
  /** File name (no extension) for Content-Disposition. */
  file: string;
}

/** `params`: the raw query string, for parameters whose absence means something (`bins`: the view's default). */
type Builder = (pool: pg.Pool, state: ViewState, params: URLSearchParams) => Promise<ViewTable>;

const HEATMAP_COLUMNS = ["benchmark", "metric", "mode", "language", "language_name", "resource_class", "source", "family", "model", "sft_dataset", "beta", "column", "value", "n", "run_id"];

/** The heatmap's table in tidy form: one row per language × column, the value as exact text, n and run id for measured cells. */
async function heatmap(pool: pg.Pool, state: ViewState): Promise<ViewTable> {
  const { data, matrixMode } = await heatmapView(pool, state);
  const rows: Row[] = [];
  if (data) {
    const m = buildMatrix(data, matrixMode, state.sort, { a: state.betaA, b: state.betaB });
    for (const r of m.rows)
      for (const c of m.columns) {
        const cell = m.cells[c.key]?.[r.code];
        if (!cell) continue;
        rows.push({
          benchmark: data.benchmark,
          metric: state.metric,
          mode: state.mode === "recalibrated" ? `recalibrated:${state.method}:${state.fit}` : state.mode,
          language: r.code,
          language_name: r.name,
          resource_class: r.resourceClass,
          source: c.source,
          family: c.family,
          model: c.model,
          sft_dataset: c.sftDataset,
          beta: state.mode === "delta-beta" ? `${state.betaB}-${state.betaA}` : betaCell(c.sftDataset, c.smoothing),
          column: c.label,
          value: cell.text,
          n: cell.n ?? null,
          run_id: cell.runId ?? null,
        });
      }
  }
  return { columns: HEATMAP_COLUMNS, rows, file: `heatmap-${state.benchmark}-${state.metric}-${state.mode}` };
}

/** The rows of `/results` with the columns it shows, metrics as exact text and measured rows' 95% intervals. */
async function results(pool: pg.Pool, state: ViewState): Promise<ViewTable> {
  const { query, shown } = resultsQueryForState(state);
  const data = await getResultsCached(pool, query);
  const text = shown.filter((c) => !query.metrics.includes(c as never)) as (keyof typeof data.cat)[];
  const columns = [...text, ...query.metrics.flatMap((m) => [m, `${m}_lo`, `${m}_hi`])];
  const num = (v: number | null | undefined) => (v === null || v === undefined ? null : cleanFloat(v));
  const rows: Row[] = [];
  for (let i = 0; i < data.count; i++) {
    const r: Row = {};
    for (const c of text) r[c] = data.cat[c]?.[i] ?? null;
    for (const m of query.metrics) {
      r[m] = data.text[m]?.[i] ?? num(data.val[m]?.[i]);
      r[`${m}_lo`] = num(data.lo[m]?.[i]);
      r[`${m}_hi`] = num(data.hi[m]?.[i]);
    }
    rows.push(r);
  }
  return { columns, rows, file: `results-${state.benchmark}` };
}

/** `/reliability`'s bins and panel metrics at the bin count it shows (an unavailable `bins` is a 400 naming it). */
async function reliability(pool: pg.Pool, state: ViewState, params: URLSearchParams): Promise<ViewTable> {
  const data = await getReliabilityData(pool, reliabilityQueryForState(state));
  const file = `reliability-${state.benchmark}-${state.binning}`;
  if (!data || data.models.length === 0) return { columns: RELIABILITY_COLUMNS, rows: [], file };
  const resolved = resolveBins(data.storedBins, state.binning, params.has("bins") ? state.bins : undefined);
  if ("error" in resolved) throw badInput(resolved.error, { field: "bins" });
  return { columns: RELIABILITY_COLUMNS, rows: reliabilityRows(data, resolved.bins), file };
}

/** `/smoothing`'s metrics against β per language (and their average) and configuration. */
async function smoothing(pool: pg.Pool, state: ViewState): Promise<ViewTable> {
  const data = await getSmoothingDataCached(pool, smoothingQueryForState(state));
  return { columns: SMOOTHING_COLUMNS, rows: data ? smoothingRows(data) : [], file: `smoothing-${state.benchmark}` };
}

/** `/runs`: every run (of the chosen families) with provenance and progress; base names only, never paths. */
async function runs(pool: pg.Pool, state: ViewState): Promise<ViewTable> {
  return { columns: RUNS_COLUMNS, rows: runsRows(await listRuns(pool, { families: state.family })), file: "runs" };
}

/** A sliced view's table (`slice=`, docs/analysis.md "Slices") carries the slice as a last column and in its file name. */
const sliced =
  (build: Builder): Builder =>
  async (pool, state, params) => {
    const t = await build(pool, state, params);
    if (state.slice === "all") return t;
    return { columns: [...t.columns, "slice"], rows: t.rows.map((r) => ({ ...r, slice: state.slice })), file: `${t.file}-slice-${state.slice.replace(/[^\w.-]+/g, "_")}` };
  };

export const VIEW_TABLES = {
  heatmap: sliced(heatmap),
  results: sliced(results),
  reliability: sliced(reliability),
  smoothing: sliced(smoothing),
  runs,
} satisfies Record<string, Builder>;
export type ViewName = keyof typeof VIEW_TABLES;
