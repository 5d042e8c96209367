/**
 * GET /api/views/heatmap?<the heatmap's own parameters>&format=csv|json&offset=&limit= — the heatmap's table in
 * tidy form (one row per language × column: the value as exact text, n and run id for measured cells), what the
 * view at `/?…` draws (the view's URL with `format=csv|json` is rewritten here by proxy.ts). Read-only, no token,
 * paginated; no file paths. Example: `pandas.read_csv("http://localhost:3000/?metric=rms&mode=delta-base&format=csv")`.
 */
import { buildMatrix } from "@/components/heatmap/heatmap-model";
import { heatmapForState } from "@/lib/db/queries/heatmap";
import { db } from "@/lib/db/server";
import { betaCell } from "@/lib/view-state/config";
import type { Row } from "@/lib/view-state/data-out";
import { viewDataHandler } from "../handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const COLUMNS = ["benchmark", "metric", "mode", "language", "language_name", "resource_class", "source", "family", "model", "sft_dataset", "beta", "column", "value", "n", "run_id"];

export const GET = viewDataHandler("heatmap", async (state) => {
  const { data } = await heatmapForState(db(), state);
  const rows: Row[] = [];
  if (data) {
    const m = buildMatrix(data, state.mode, state.sort, { a: state.betaA, b: state.betaB });
    for (const r of m.rows)
      for (const c of m.columns) {
        const cell = m.cells[c.key]?.[r.code];
        if (!cell) continue;
        rows.push({
          benchmark: data.benchmark,
          metric: state.metric,
          mode: state.mode,
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
  return { columns: COLUMNS, rows, file: `heatmap-${state.benchmark}-${state.metric}-${state.mode}` };
});
