/**
 * The `import` job: runs an upload of POST /api/imports through importFiles (one transaction, as the CLI does) in
 * the worker, so parsing, COPY and statistics never occupy the web server. Claim-then-run and safe to retry: a
 * finished job is left alone; a retry re-runs the whole import (the failed attempt rolled back; one that committed
 * is found by its import key). Bad input is final (retrying cannot help): the job records the error the
 * synchronous route answered with. The upload's files are removed when the job ends, whether it succeeded or
 * failed for good.
 */
import { access, rm } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { poolFor } from "../../lib/db/pool";
import { errorOf, resultOf, type ImportJobRow } from "../../lib/import/upload/api-job";
import { importFiles, type ImportProgress } from "../../lib/import/import-files";
import type { JobContext } from "./define";

/** Progress is written at most this often (a 1M-row import reports thousands of times). */
const PROGRESS_MS = 1000;

async function claim(pool: pg.Pool, id: string): Promise<Pick<ImportJobRow, "fields" | "files"> | null> {
  const r = await pool.query<Pick<ImportJobRow, "fields" | "files">>(
    `UPDATE "ImportJob" SET "status" = 'running', "startedAt" = COALESCE("startedAt", now()), "updatedAt" = now()
     WHERE "id" = $1 AND "status" IN ('queued', 'running') RETURNING "fields", "files"`,
    [id],
  );
  return r.rows[0] ?? null;
}

async function finish(
  pool: pg.Pool,
  id: string,
  outcome: { result?: unknown; error?: unknown; runId?: number },
) {
  await pool.query(
    `UPDATE "ImportJob" SET "status" = $2, "result" = $3, "error" = $4, "runId" = $5, "progress" = NULL,
            "finishedAt" = now(), "updatedAt" = now()
     WHERE "id" = $1`,
    [
      id,
      outcome.error ? "failed" : "succeeded",
      outcome.result ? jsonbText(outcome.result) : null,
      outcome.error ? jsonbText(outcome.error) : null,
      outcome.runId ?? null,
    ],
  );
}

/**
 * JSON for a jsonb column: Postgres refuses the \u0000 escape in jsonb, and an error message may quote a hostile
 * line with a NUL in it (JSON.parse names the offending character) — shown as U+2400 ␀ instead, so the job still
 * records its failure rather than leaving the worker unable to finish it.
 */
function jsonbText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "string" ? v.replaceAll("\u0000", "\u2400") : v));
}

export default async function importUploadJob(
  { importId }: { importId: string },
  ctx: JobContext,
): Promise<void> {
  const pool = poolFor(ctx.databaseUrl);
  const job = await claim(pool, importId);
  if (!job) return; // finished (a retry of a completed job) or gone
  const dirs = new Set(job.files.map((f) => path.dirname(f.path)));
  const removeFiles = () => Promise.all([...dirs].map((d) => rm(d, { recursive: true, force: true })));
  let last = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const onProgress = (p: ImportProgress) => {
    const now = Date.now();
    if (now - last < PROGRESS_MS) return;
    last = now;
    ctx.progress({
      label: `import ${importId.slice(0, 8)} ${p.phase}`,
      done: p.bytesRead,
      total: p.bytesTotal,
      perSecond: null,
    });
    writing = pool
      .query(
        `UPDATE "ImportJob" SET "progress" = $2, "updatedAt" = now() WHERE "id" = $1 AND "status" = 'running'`,
        [importId, JSON.stringify(p)],
      )
      .catch(() => undefined); // progress is best effort
  };
  try {
    // A worker that does not share the web server's data dir cannot run API imports: say so rather than
    // report the missing temp files as the user's bad input.
    for (const f of job.files)
      await access(f.path).catch(() => {
        throw new Error(
          `uploaded file ${f.name} is not on this worker (${f.path}): run imports on a worker that shares ATLAS_DATA_DIR with the web server`,
        );
      });
    const r = await importFiles({
      db: pool,
      files: job.files.map((f) => f.path),
      names: job.files.map((f) => f.name),
      ...job.fields,
      onProgress,
    });
    await writing;
    await finish(pool, importId, { result: resultOf(r), runId: r.runId });
    await removeFiles();
    ctx.log(
      `import ${importId}: run ${r.runId}, ${r.predictions} predictions${r.alreadyImported ? " (already imported)" : ""}`,
    );
  } catch (e) {
    await writing;
    const error = errorOf(e);
    const final = error.status < 500 || ctx.finalAttempt;
    if (!final) throw e; // pg-boss retries; the row stays running meanwhile
    await finish(pool, importId, { error });
    await removeFiles();
    ctx.log(`import ${importId}: failed: ${error.message}`);
    // Bad input is the job's answer, not a failure of the job: pg-boss completes it and does not retry.
    if (error.status >= 500) throw e;
  }
}
