/**
 * GET /api/views/heatmap?<the heatmap's own parameters>&format=csv|json&offset=&limit= — the heatmap's table in
 * tidy form (one row per language × column: the value as exact text, n and run id for measured cells), what the
 * view at `/?…` draws (the view's URL with `format=csv|json` is rewritten here by proxy.ts). Read-only, no token,
 * paginated; no file paths. Example: `pandas.read_csv("http://localhost:3000/?metric=rms&mode=delta-base&format=csv")`.
 */
import { buildMatrix } from "@/components/heatmap/heatmap-model";
import { errorResponse } from "@/app/api/auth";
import { heatmapForState } from "@/lib/db/queries/heatmap";
import { db } from "@/lib/db/server";
import { AtlasError } from "@/lib/errors";
import { betaCell } from "@/lib/view-state/config";
import { dataResponse, parsePage, type Row } from "@/lib/view-state/data-out";
import { parseViewState, type SearchParams } from "@/lib/view-state/filters";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const COLUMNS = ["benchmark", "metric", "mode", "language", "language_name", "resource_class", "source", "family", "model", "sft_dataset", "beta", "column", "value", "n", "run_id"];

export async function GET(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const format = url.searchParams.get("format") ?? "json";
  if (format !== "csv" && format !== "json") return errorResponse(400, "BAD_INPUT", "format must be csv or json", { field: "format" });
  const page = parsePage(url.searchParams);
  if ("error" in page) return errorResponse(400, "BAD_INPUT", page.error, { field: page.field });
  const sp: SearchParams = {};
  for (const k of new Set(url.searchParams.keys())) sp[k] = url.searchParams.getAll(k);
  try {
    const state = parseViewState(sp, { strict: true });
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
    return dataResponse(req.url, format, COLUMNS, rows, page, `heatmap-${state.benchmark}-${state.metric}-${state.mode}`);
  } catch (e) {
    if (e instanceof AtlasError) return errorResponse(e.status, e.code, e.message, { ...e.where });
    console.error("GET /api/views/heatmap:", e);
    return errorResponse(500, "INTERNAL", "internal error");
  }
}
