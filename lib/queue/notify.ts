/**
 * The NOTIFY side of waking idle workers (workers/queue/wake.ts listens): whoever enqueues — the CLI's planner,
 * the web server's POST /api/imports, a worker's reaper — tells listening workers that jobs are waiting.
 */
import type pg from "pg";

export const JOBS_CHANNEL = "atlas_jobs";

/** Tells listening workers that jobs are waiting (delivered when the caller's transaction, if any, commits). */
export async function notifyJobsQueued(db: pg.Pool | pg.ClientBase, queue: string): Promise<void> {
  await db.query(`SELECT pg_notify($1, $2)`, [JOBS_CHANNEL, queue]);
}
