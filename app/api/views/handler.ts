/**
 * The shared GET handler of the views' data twins (/api/views/*): format, paging and the view state parsed from
 * the same parameters as the view (with the page's default selection where the page redirects to one), then one page of the view's tidy table (lib/views/view-tables.ts) as CSV or JSON
 * (lib/view-state/data-out.ts).
 */
import { errorResponse } from "@/app/api/auth";
import { db } from "@/lib/db/server";
import { withDefaultSelection } from "@/lib/db/queries/reliability-default";
import { AtlasError } from "@/lib/errors";
import { dataResponse, parsePage } from "@/lib/view-state/data-out";
import { parseViewState, type SearchParams } from "@/lib/view-state/filters";
import { VIEW_TABLES, type ViewName } from "@/lib/views/view-tables";

export function viewDataHandler(name: ViewName): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = new URL(req.url);
    const format = url.searchParams.get("format") ?? "json";
    if (format !== "csv" && format !== "json")
      return errorResponse(400, "BAD_INPUT", "format must be csv or json", { field: "format" });
    const page = parsePage(url.searchParams);
    if ("error" in page) return errorResponse(400, "BAD_INPUT", page.error, { field: page.field });
    const sp: SearchParams = {};
    for (const k of new Set(url.searchParams.keys())) sp[k] = url.searchParams.getAll(k);
    try {
      const pool = db();
      const state = parseViewState(await withDefaultSelection(pool, name, sp), { strict: true });
      const out = await VIEW_TABLES[name](pool, state, url.searchParams);
      return dataResponse(req.url, format, out.columns, out.rows, page, out.file);
    } catch (e) {
      if (e instanceof AtlasError) return errorResponse(e.status, e.code, e.message, { ...e.where });
      console.error(`GET /api/views/${name}:`, e);
      return errorResponse(500, "INTERNAL", "internal error");
    }
  };
}
