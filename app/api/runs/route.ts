/**
 * GET /api/runs[?active=1][&ids=1,2] — runs with their RunSplit progress as JSON (the runs page polls
 * `?active=1` every 2 s while something is queued or running). Read-only, no token needed.
 */
import { listRuns } from "@/lib/db/queries/runs";
import { db } from "@/lib/db/server";
import { errorResponse } from "@/app/api/auth";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  const sp = new URL(req.url).searchParams;
  const ids = sp.get("ids");
  if (ids && !/^\d+(,\d+)*$/.test(ids))
    return errorResponse(400, "BAD_INPUT", "ids must be comma-separated run ids", { field: "ids" });
  try {
    const runs = await listRuns(db(), {
      families: [],
      active: sp.get("active") === "1",
      ids: ids ? ids.split(",").map(Number) : undefined,
    });
    return Response.json(
      { runs, at: new Date().toISOString() },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (e) {
    console.error("GET /api/runs:", e);
    return errorResponse(500, "INTERNAL", "internal error");
  }
}
