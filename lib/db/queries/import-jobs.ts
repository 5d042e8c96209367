import "server-only";
/**
 * The runs page's list of API imports (ImportJob rows, lib/import/upload/api-job.ts): what is queued or running in the
 * worker, with its progress, and how recent ones ended. Plain props for the client table.
 */
import type pg from "pg";
import { listImportJobs } from "../../import/upload/api-job";

export interface ImportJobItem {
  id: string;
  status: string;
  model: string;
  benchmark: string;
  files: { name: string; bytes: number }[];
  progress: { phase: string; bytesRead: number; bytesTotal: number; rows: number } | null;
  runId: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export async function listImportJobItems(pool: pg.Pool, limit = 20): Promise<ImportJobItem[]> {
  return (await listImportJobs(pool, limit)).map((j) => ({
    id: j.id,
    status: j.status,
    model: j.fields.model,
    benchmark: j.fields.benchmark,
    files: j.files.map((f) => ({ name: f.name, bytes: f.bytes })),
    progress: j.status === "running" ? j.progress : null,
    runId: j.runId,
    error: j.error?.message ?? null,
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.finishedAt?.toISOString() ?? null,
  }));
}
