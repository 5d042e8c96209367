/**
 * Run lifecycle writes shared by the CLI, the API routes and the worker.
 * Cancelling only flips statuses: a worker checks its run between batches and stops, and a queued job
 * whose run is cancelled finishes at once without scoring anything.
 */
import type pg from "pg";
import { AtlasError } from "../errors";

export async function cancelRun(db: pg.Pool | pg.ClientBase, runId: number, language?: string): Promise<{ splits: number }> {
  const run = await db.query(`SELECT "status" FROM "Run" WHERE "id" = $1`, [runId]);
  if (!run.rows[0]) throw new AtlasError("NOT_FOUND", `run ${runId} not found`, { field: "run" });
  const splits = await db.query(
    `UPDATE "RunSplit" SET "status" = 'cancelled', "updatedAt" = now()
     WHERE "runId" = $1 AND ($2::text IS NULL OR "languageCode" = $2) AND "status" IN ('queued', 'running')`,
    [runId, language ?? null],
  );
  // The run is cancelled when nothing of it is left to do.
  await db.query(
    `UPDATE "Run" SET "status" = 'cancelled', "finishedAt" = now()
     WHERE "id" = $1 AND "status" IN ('queued', 'running')
       AND NOT EXISTS (SELECT 1 FROM "RunSplit" WHERE "runId" = $1 AND "status" IN ('queued', 'running'))`,
    [runId],
  );
  return { splits: splits.rowCount ?? 0 };
}

export interface SplitProgress {
  runId: number;
  model: string;
  benchmark: string;
  language: string;
  status: string;
  done: number;
  total: number;
  questionsPerS: number | null;
  etaSeconds: number | null;
  updatedAt: Date;
}

export async function listSplits(db: pg.Pool | pg.ClientBase, runId?: number): Promise<SplitProgress[]> {
  const r = await db.query<SplitProgress>(
    `SELECT s."runId", m."name" AS model, b."name" AS benchmark, s."languageCode" AS language, s."status"::text AS status,
            s."done", s."total", s."questionsPerS", s."etaSeconds", s."updatedAt"
     FROM "RunSplit" s JOIN "Run" r ON r."id" = s."runId" JOIN "Model" m ON m."id" = r."modelId"
     JOIN "Benchmark" b ON b."id" = r."benchmarkId"
     WHERE $1::int IS NULL OR s."runId" = $1
     ORDER BY s."runId" DESC, s."languageCode"`,
    [runId ?? null],
  );
  return r.rows;
}
