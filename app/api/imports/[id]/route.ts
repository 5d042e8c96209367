/**
 * GET /api/imports/<job> — the state of an API import (bearer token as for POST /api/imports):
 * { job, status: queued|running|succeeded|failed, progress?, result?, error?, createdAt, startedAt, finishedAt }.
 * `result` is the synchronous route's body; `error` the body of its error (code, message naming file:line:field).
 */
import { checkToken, errorResponse, IMPORTS_DISABLED } from "@/app/api/auth";
import { db } from "@/lib/db/server";
import { getImportJob, importJobView } from "@/lib/import/upload/api-job";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const denied = checkToken(req, IMPORTS_DISABLED);
  if (denied) return denied;
  const { id } = await ctx.params;
  if (!UUID.test(id))
    return errorResponse(400, "BAD_INPUT", "the import job id must be a UUID", { field: "id" });
  try {
    const job = await getImportJob(db(), id.toLowerCase());
    if (!job) return errorResponse(404, "NOT_FOUND", `import job ${id} not found`, { field: "id" });
    return Response.json(importJobView(job), { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    console.error("GET /api/imports/:id:", e);
    return errorResponse(500, "INTERNAL", "internal error");
  }
}
