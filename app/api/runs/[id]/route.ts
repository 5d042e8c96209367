/**
 * DELETE /api/runs/:id — deletes a run with its predictions, stats and splits (Authorization: Bearer
 * ATLAS_API_TOKEN). 200 { deleted: id }; 404 unknown run; 409 while it is queued or running (cancel it first).
 */
import { deleteRun } from "@/lib/db/runs";
import { db } from "@/lib/db/server";
import { AtlasError } from "@/lib/errors";
import { authorisedRunId, errorResponse } from "@/app/api/auth";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function DELETE(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id, denied } = await authorisedRunId(req, ctx.params);
  if (denied) return denied;
  try {
    await deleteRun(db(), id);
    return Response.json({ deleted: id });
  } catch (e) {
    if (e instanceof AtlasError) return errorResponse(e.status, e.code, e.message, { ...e.where });
    console.error("DELETE /api/runs/:id:", e);
    return errorResponse(500, "INTERNAL", "internal error");
  }
}
