/**
 * GET /api/runs[?active=1][&ids=1,2][&limit=50][&offset=0] — runs with their RunSplit progress as JSON,
 * newest first, one page at a time (limit 1–200, default 50; `page.nextOffset` is null on the last page).
 * The runs page polls `?active=1` every 2 s while something is queued or running. Read-only, no token
 * needed: stored paths appear as base names only and worker errors as one-line summaries; the full
 * error text comes back only with `Authorization: Bearer ATLAS_API_TOKEN` (SECURITY.md).
 */
import { listRuns } from "@/lib/db/queries/runs";
import { db } from "@/lib/db/server";
import { errorResponse, hasToken } from "@/app/api/auth";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

/** A non-negative integer query parameter within [min, max], or an error message. */
function intParam(raw: string | null, name: string, dflt: number, min: number, max: number): number | string {
  if (raw === null) return dflt;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    return `${name} must be an integer from ${min} to ${max}`;
  return Number(raw);
}

export async function GET(req: Request): Promise<Response> {
  const sp = new URL(req.url).searchParams;
  const ids = sp.get("ids");
  if (ids && (ids.length > 2000 || !/^\d{1,9}(,\d{1,9})*$/.test(ids)))
    return errorResponse(400, "BAD_INPUT", "ids must be comma-separated run ids (at most 2000 characters)", { field: "ids" });
  const limit = intParam(sp.get("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
  if (typeof limit === "string") return errorResponse(400, "BAD_INPUT", limit, { field: "limit" });
  const offset = intParam(sp.get("offset"), "offset", 0, 0, 1e9);
  if (typeof offset === "string") return errorResponse(400, "BAD_INPUT", offset, { field: "offset" });
  try {
    // One row more than the page tells whether another page follows.
    const rows = await listRuns(db(), {
      families: [],
      active: sp.get("active") === "1",
      ids: ids ? ids.split(",").map(Number) : undefined,
      limit: limit + 1,
      offset,
      fullErrors: hasToken(req),
    });
    const runs = rows.slice(0, limit);
    return Response.json(
      {
        runs,
        at: new Date().toISOString(),
        page: { limit, offset, nextOffset: rows.length > limit ? offset + limit : null },
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (e) {
    console.error("GET /api/runs:", e);
    return errorResponse(500, "INTERNAL", "internal error");
  }
}
