/**
 * POST /api/runs/:id/cancel — cancels a queued or running run (Authorization: Bearer ATLAS_API_TOKEN):
 * its unfinished RunSplit rows and the Run become 'cancelled'; workers check the status between batches
 * and stop. 200 { cancelled: id, splits, status }; 404 unknown run; 409 when it is already finished.
 */
import { cancelActiveRun } from "@/lib/db/runs";
import { db } from "@/lib/db/server";
import { AtlasError } from "@/lib/errors";
import { authorisedRunId, errorResponse } from "@/app/api/auth";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id, denied } = await authorisedRunId(req, ctx.params);
  if (denied) return denied;
  try {
    const r = await cancelActiveRun(db(), id);
    return Response.json({ cancelled: id, splits: r.splits, status: r.status });
  } catch (e) {
    if (e instanceof AtlasError) return errorResponse(e.status, e.code, e.message, { ...e.where });
    console.error("POST /api/runs/:id/cancel:", e);
    return errorResponse(500, "INTERNAL", "internal error");
  }
}
