/**
 * DELETE /api/runs/:id — deletes a run with its predictions, stats and splits (Authorization: Bearer
 * ATLAS_API_TOKEN). 200 { deleted: id }; 404 unknown run; 409 while it is queued or running (cancel it first).
 */
import { db } from "@/lib/db/server";
import { authorisedRunId, errorResponse } from "@/app/api/auth";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function DELETE(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id, denied } = await authorisedRunId(req, ctx.params);
  if (denied) return denied;
  const pool = db();
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const run = await client.query<{ status: string }>(
      `SELECT "status"::text AS status FROM "Run" WHERE "id" = $1 FOR UPDATE`,
      [id],
    );
    if (!run.rows[0]) {
      await client.query("ROLLBACK");
      return errorResponse(404, "NOT_FOUND", `run ${id} not found`, { field: "id" });
    }
    if (run.rows[0].status === "queued" || run.rows[0].status === "running") {
      await client.query("ROLLBACK");
      return errorResponse(409, "CONFLICT", `run ${id} is ${run.rows[0].status}: cancel it first`, {
        field: "id",
      });
    }
    // Predictions, stats and splits go with it (ON DELETE CASCADE).
    await client.query(`DELETE FROM "Run" WHERE "id" = $1`, [id]);
    await client.query("COMMIT");
    return Response.json({ deleted: id });
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    console.error("DELETE /api/runs/:id:", e);
    return errorResponse(500, "INTERNAL", "internal error");
  } finally {
    client.release();
  }
}
