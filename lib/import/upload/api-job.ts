/**
 * API imports as queue jobs: POST /api/imports stores the upload under the data dir, writes an ImportJob row and
 * enqueues an `import` job (same id) in one transaction; the worker runs importFiles (workers/jobs/import-upload.ts)
 * and records the outcome on the row, which GET /api/imports/<id> and the runs page read. Shared by the web server
 * (enqueue, read) and the worker (run), so it holds the queue's name, payload and policy.
 */
import { z } from "zod";
import type pg from "pg";
import { AtlasError } from "../../errors";
import { notifyJobsQueued } from "../../queue/notify";
import { queueSender, type QueuePolicy } from "../../queue/sender";
import type { ImportFieldValues } from "./api-schema";
import type { ImportProgress, ImportResult } from "../import-files";
import type { UploadedFile } from "./upload";
import { readEnv, type EnvSource } from "../../env";

export const IMPORT_QUEUE = "import";

export const importJobPayload = z.object({ importId: z.uuid() });

/**
 * A retry re-runs the import from the start: it is one transaction, so nothing of a failed attempt stays, and the
 * import key makes a retry after a commit answer the stored run. Expiry bounds how long a job whose worker died
 * stays "running" before it is retried (ATLAS_IMPORT_EXPIRE_S, default 2 h: a 4 GiB upload takes minutes).
 */
export const importQueuePolicy = (): QueuePolicy => ({
  retryLimit: 2,
  retryDelay: 5,
  expireInSeconds: readEnv("ATLAS_IMPORT_EXPIRE_S"),
});

/** Import jobs one worker runs at once: ATLAS_IMPORT_CONCURRENCY, default 1 (0: this worker runs none). */
export function importConcurrency(env: EnvSource = process.env): number {
  return readEnv("ATLAS_IMPORT_CONCURRENCY", env);
}

export type ImportJobStatus = "queued" | "running" | "succeeded" | "failed";

/** The error body the synchronous route answered with, plus its HTTP status. */
export interface ImportJobError {
  status: number;
  code: string;
  message: string;
  file?: string;
  line?: number;
  field?: string;
}

/** The synchronous route's success body. */
export interface ImportJobResult {
  runId: number;
  predictions: number;
  languages: string[];
  alreadyImported: boolean;
}

export interface ImportJobRow {
  id: string;
  status: ImportJobStatus;
  fields: ImportFieldValues;
  files: UploadedFile[];
  progress: ImportProgress | null;
  result: ImportJobResult | null;
  error: ImportJobError | null;
  runId: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export function errorOf(e: unknown): ImportJobError {
  if (e instanceof AtlasError) return { status: e.status, code: e.code, message: e.message, ...e.where };
  return { status: 500, code: "INTERNAL", message: `import failed: ${(e as Error).message}` };
}

export function resultOf(r: ImportResult): ImportJobResult {
  return {
    runId: r.runId,
    predictions: r.predictions,
    languages: r.languages,
    alreadyImported: r.alreadyImported,
  };
}

/** Records the job and enqueues it in one transaction: a job without its row (or the reverse) cannot exist. */
export async function enqueueImport(
  pool: pg.Pool,
  databaseUrl: string,
  job: { id: string; fields: ImportFieldValues; files: UploadedFile[] },
): Promise<void> {
  const boss = await queueSender(databaseUrl, IMPORT_QUEUE, importQueuePolicy());
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`INSERT INTO "ImportJob" ("id", "fields", "files") VALUES ($1, $2, $3)`, [
      job.id,
      JSON.stringify(job.fields),
      JSON.stringify(job.files),
    ]);
    await boss.send(
      IMPORT_QUEUE,
      { importId: job.id },
      {
        id: job.id,
        db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) },
      },
    );
    await notifyJobsQueued(client, IMPORT_QUEUE);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

const COLUMNS = `"id", "status", "fields", "files", "progress", "result", "error", "runId", "createdAt", "startedAt", "finishedAt"`;

export async function getImportJob(db: pg.Pool | pg.ClientBase, id: string): Promise<ImportJobRow | null> {
  const r = await db.query<ImportJobRow>(`SELECT ${COLUMNS} FROM "ImportJob" WHERE "id" = $1`, [id]);
  return r.rows[0] ?? null;
}

/** Recent import jobs, newest first (the runs page). */
export async function listImportJobs(db: pg.Pool | pg.ClientBase, limit = 20): Promise<ImportJobRow[]> {
  const r = await db.query<ImportJobRow>(
    `SELECT ${COLUMNS} FROM "ImportJob" ORDER BY "createdAt" DESC, "id" LIMIT $1`,
    [limit],
  );
  return r.rows;
}

/** What GET /api/imports/<id> answers. */
export function importJobView(j: ImportJobRow) {
  const { status: _status, ...error } = j.error ?? { status: 0 };
  return {
    job: j.id,
    status: j.status,
    ...(j.progress && j.status === "running" ? { progress: j.progress } : {}),
    ...(j.result ? { result: j.result } : {}),
    ...(j.error ? { error } : {}),
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

/** Polls the job until it has finished or `ms` have passed; returns its last state. */
export async function waitForImportJob(
  db: pg.Pool,
  id: string,
  ms: number,
  everyMs = 100,
): Promise<ImportJobRow | null> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await getImportJob(db, id);
    if (!j || j.status === "succeeded" || j.status === "failed" || Date.now() >= end) return j;
    await new Promise((r) => setTimeout(r, Math.min(everyMs, Math.max(0, end - Date.now()))));
  }
}

/** `Prefer: wait=N` (RFC 7240): seconds to wait for the job, at most 60; 0 when absent or malformed. */
export function preferredWait(header: string | null): number {
  const m = /(?:^|[,;\s])wait\s*=\s*"?(\d{1,6})"?/i.exec(header ?? "");
  return m ? Math.min(60, Number(m[1])) : 0;
}
