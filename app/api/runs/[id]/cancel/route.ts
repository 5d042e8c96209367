/**
 * POST /api/runs/:id/cancel — cancels a queued or running run (Authorization: Bearer ATLAS_API_TOKEN):
 * its unfinished RunSplit rows and the Run become 'cancelled'; workers check the status between batches
 * and stop. 200 { cancelled: id, splits, status }; 404 unknown run; 409 when it is already finished.
 */
import { cancelRun } from "@/lib/db/runs";
import { db } from "@/lib/db/server";
import { AtlasError } from "@/lib/errors";
import { authorisedRunId, errorResponse } from "@/app/api/auth";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id, denied } = await authorisedRunId(req, ctx.params);
  if (denied) return denied;
  const pool = db();
  try {
    const before = await pool.query<{ status: string }>(
      `SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`,
      [id],
    );
    if (!before.rows[0]) return errorResponse(404, "NOT_FOUND", `run ${id} not found`, { field: "id" });
    if (before.rows[0].status !== "queued" && before.rows[0].status !== "running")
      return errorResponse(409, "CONFLICT", `run ${id} is ${before.rows[0].status}: nothing to cancel`, {
        field: "id",
      });
    const r = await cancelRun(pool, id);
    // A run with no splits left to do is cancelled by cancelRun; one without splits at all is cancelled here.
    const after = await pool.query<{ status: string }>(
      `UPDATE "Run" SET "status" = 'cancelled', "finishedAt" = coalesce("finishedAt", now())
       WHERE "id" = $1 AND "status" IN ('queued', 'running') RETURNING "status"::text AS status`,
      [id],
    );
    const status =
      after.rows[0]?.status ??
      (
        await pool.query<{ status: string }>(`SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`, [
          id,
        ])
      ).rows[0].status;
    return Response.json({ cancelled: id, splits: r.splits, status });
  } catch (e) {
    if (e instanceof AtlasError) return errorResponse(e.status, e.code, e.message, { ...e.where });
    console.error("POST /api/runs/:id/cancel:", e);
    return errorResponse(500, "INTERNAL", "internal error");
  }
}
