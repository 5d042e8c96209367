/**
 * POST /api/imports — multipart upload of prediction files as one run (same importer as `calib import`), run by
 * the queue worker, never in this process (docs/api-imports.md). Bearer token from ATLAS_API_TOKEN (unset: imports
 * are disabled, 503). Before anything is stored: the token, the declared size, the free space (507), then the form
 * fields, which must precede the files. The files are streamed to $ATLAS_DATA_DIR/uploads/<job>/ and an `import`
 * job is enqueued: 202 { job, status: "queued", statusUrl } (Location: statusUrl).
 * With `Prefer: wait=N` (N ≤ 60) the answer waits up to N s for the job: finished → the synchronous body, 201
 * { runId, predictions, languages, alreadyImported: false } or 200 with alreadyImported: true; failed → its 4xx
 * { error: { code, message, file?, line?, field? } }; still going → 202 as above.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { checkToken, errorResponse as error, IMPORTS_DISABLED } from "@/app/api/auth";
import { db } from "@/lib/db/server";
import { AtlasError } from "@/lib/errors";
import { parseImportFields } from "@/lib/import/upload/api-schema";
import { enqueueImport, preferredWait, waitForImportJob, type ImportJobRow } from "@/lib/import/upload/api-job";
import { ensureFreeSpace, ensureUploadsRoot, sweepUploadsOnce } from "@/lib/import/upload/upload-dir";
import { uploadLimits } from "@/lib/import/upload/upload-limits";
import { declaredSize, receiveUpload, type Upload } from "@/lib/import/upload/upload";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const denied = checkToken(req, IMPORTS_DISABLED);
  if (denied) return denied;
  let upload: Upload | null = null;
  let queued = false;
  try {
    const limits = uploadLimits();
    const pool = db();
    await sweepUploadsOnce(pool);
    const root = await ensureUploadsRoot();
    const declared = declaredSize(req, limits);
    await ensureFreeSpace(root, declared, limits.minFreeBytes);
    const id = randomUUID();
    upload = await receiveUpload(req, {
      dir: path.join(root, id),
      limits,
      checkFields: (f) => void parseImportFields(f),
    });
    const fields = parseImportFields(upload.fields);
    if (upload.files.length === 0)
      return error(400, "BAD_INPUT", `no files: send them in "file" parts`, { field: "file" });
    await enqueueImport(pool, process.env.DATABASE_URL as string, { id, fields, files: upload.files });
    queued = true;
    const wait = preferredWait(req.headers.get("prefer"));
    const job = wait > 0 ? await waitForImportJob(pool, id, wait * 1000) : null;
    return answer(id, job, wait);
  } catch (e) {
    if (e instanceof AtlasError) return error(e.status, e.code, e.message, { ...e.where });
    console.error("POST /api/imports:", e);
    return error(500, "INTERNAL", "internal error");
  } finally {
    // Once queued, the files are the worker's (it removes them when the job ends).
    if (!queued) await upload?.cleanup();
  }
}

function answer(id: string, job: ImportJobRow | null, wait: number): Response {
  const headers: Record<string, string> = wait > 0 ? { "Preference-Applied": `wait=${wait}` } : {};
  if (job?.status === "succeeded" && job.result)
    return Response.json(job.result, { status: job.result.alreadyImported ? 200 : 201, headers });
  if (job?.status === "failed" && job.error) {
    const { status, code, message, ...where } = job.error;
    return error(status, code, message, where);
  }
  const statusUrl = `/api/imports/${id}`;
  return Response.json(
    { job: id, status: "queued", statusUrl },
    { status: 202, headers: { ...headers, Location: statusUrl } },
  );
}
