/**
 * POST /api/imports — multipart upload of prediction files as one run (same path as `calib import`).
 * Bearer token from ATLAS_API_TOKEN (unset: imports are disabled, 503). Files are streamed to temp
 * files, never held in memory. 201 { runId, predictions, languages, alreadyImported: false };
 * 200 with alreadyImported: true when the same files were imported before (nothing created);
 * 4xx { error: { code, message, file?, line?, field? } }.
 */
import { checkToken, errorResponse as error } from "@/app/api/auth";
import { db } from "@/lib/db/server";
import { AtlasError } from "@/lib/errors";
import { parseImportFields } from "@/lib/import/api-schema";
import { importFiles } from "@/lib/import/import-files";
import { importLimits } from "@/lib/import/limits";
import { receiveUpload, type Upload } from "@/lib/import/upload";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const denied = checkToken(req, {
    code: "IMPORTS_DISABLED",
    message: "imports disabled: ATLAS_API_TOKEN is not set on the server",
  });
  if (denied) return denied;
  let upload: Upload | null = null;
  try {
    const limits = importLimits();
    upload = await receiveUpload(req, limits.maxFileBytes);
    const fields = parseImportFields(upload.fields);
    if (upload.files.length === 0)
      return error(400, "BAD_INPUT", `no files: send them in "file" parts`, { field: "file" });
    const r = await importFiles({
      db: db(),
      files: upload.files.map((f) => f.path),
      names: upload.files.map((f) => f.name),
      ...fields,
    });
    return Response.json(
      {
        runId: r.runId,
        predictions: r.predictions,
        languages: r.languages,
        alreadyImported: r.alreadyImported,
      },
      { status: r.alreadyImported ? 200 : 201 },
    );
  } catch (e) {
    if (e instanceof AtlasError) return error(e.status, e.code, e.message, { ...e.where });
    console.error("POST /api/imports:", e);
    return error(500, "INTERNAL", "internal error");
  } finally {
    await upload?.cleanup();
  }
}
