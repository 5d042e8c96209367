/**
 * Who owns a running split, and what happens when its worker dies.
 *
 * - claimSplit: the job takes the split only if it is still there to take (queued or failed, or running under this
 *   same job — a pg-boss retry — or running under a worker whose heartbeat went stale). A cancel that lands
 *   between loading the run and the claim therefore wins: the UPDATE finds nothing and the job ends.
 * - startHeartbeat: the running job stamps RunSplit.heartbeatAt every few seconds (and learns if it lost the split).
 * - reapStaleSplits: any worker, every few seconds, puts running splits whose heartbeat is older than
 *   ATLAS_SPLIT_STALE_S (default 60) back to queued and enqueues a job for each, in one transaction, so a split whose
 *   worker was killed is scored again within about a minute instead of at pg-boss's 4-hour expiry. The new job resumes
 *   after the stored predictions (ON CONFLICT on run + question keeps a straggler from duplicating rows).
 */
import type pg from "pg";
import type PgBoss from "pg-boss";
import { readEnv, type EnvSource } from "../../lib/env";

/** Seconds without a heartbeat after which a running split counts as abandoned. */
export function splitStaleSeconds(env: EnvSource = process.env): number {
  return readEnv("ATLAS_SPLIT_STALE_S", env);
}

/** Heartbeat period: every 10 s, or a third of the stale window when that is shorter (tests use a few seconds). */
export function heartbeatMs(env: EnvSource = process.env): number {
  return Math.min(10_000, (splitStaleSeconds(env) * 1000) / 3);
}

/** Returns whether this job now owns the split. */
export async function claimSplit(
  db: pg.Pool | pg.ClientBase,
  runId: number,
  language: string,
  jobId: string,
): Promise<boolean> {
  const r = await db.query(
    `UPDATE "RunSplit" s SET "status" = 'running', "jobId" = $3, "error" = NULL, "heartbeatAt" = now(), "updatedAt" = now()
     WHERE s."runId" = $1 AND s."languageCode" = $2
       AND (s."status" IN ('queued', 'failed')
            OR (s."status" = 'running' AND (s."jobId" IS NOT DISTINCT FROM $3
                OR s."heartbeatAt" IS NULL OR s."heartbeatAt" < now() - make_interval(secs => $4))))
       AND EXISTS (SELECT 1 FROM "Run" r WHERE r."id" = $1 AND r."status" <> 'cancelled')
     RETURNING 1`,
    [runId, language, jobId, splitStaleSeconds()],
  );
  return (r.rowCount ?? 0) > 0;
}

export interface Heartbeat {
  /** False once the split is no longer this job's (cancelled, or taken over after a stall). */
  owned(): boolean;
  stop(): void;
}

export function startHeartbeat(pool: pg.Pool, runId: number, language: string, jobId: string): Heartbeat {
  let owned = true;
  const timer = setInterval(() => {
    pool
      .query(
        `UPDATE "RunSplit" SET "heartbeatAt" = now() WHERE "runId" = $1 AND "languageCode" = $2 AND "jobId" = $3 AND "status" = 'running'`,
        [runId, language, jobId],
      )
      .then((r) => {
        if (!r.rowCount) owned = false;
      })
      // A failed beat is retried at the next tick; a lasting outage makes the split stale, which is the point.
      .catch(() => undefined);
  }, heartbeatMs());
  timer.unref();
  return { owned: () => owned, stop: () => clearInterval(timer) };
}

export interface ReapedSplit {
  runId: number;
  language: string;
  batchSize: number;
}

/**
 * Queues again the running splits whose heartbeat is stale, with a new job each (the payload planEvaluation sends),
 * in one transaction: the status change and the new job land together or not at all.
 */
export async function reapStaleSplits(pool: pg.Pool, boss: PgBoss, queue: string): Promise<ReapedSplit[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // SKIP LOCKED: a split whose row a writer holds is being written, so it is alive whatever its heartbeat says.
    const r = await client.query<ReapedSplit>(
      `WITH stale AS (
         SELECT "runId", "languageCode" FROM "RunSplit"
         WHERE "status" = 'running' AND ("heartbeatAt" IS NULL OR "heartbeatAt" < now() - make_interval(secs => $1))
         FOR UPDATE SKIP LOCKED)
       UPDATE "RunSplit" s SET "status" = 'queued', "jobId" = NULL, "updatedAt" = now(),
              "error" = 'worker lost (no heartbeat for ' || $1::text || ' s): queued again'
       FROM stale, "Run" r
       WHERE s."runId" = stale."runId" AND s."languageCode" = stale."languageCode" AND r."id" = s."runId"
       RETURNING s."runId", s."languageCode" AS language, coalesce((r."config"->>'batchSize')::int, 8) AS "batchSize"`,
      [splitStaleSeconds()],
    );
    const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
    for (const s of r.rows)
      await boss.send(
        queue,
        { runId: s.runId, language: s.language, batchSize: s.batchSize },
        {
          singletonKey: `${s.runId}:${s.language}`,
          db,
        },
      );
    await client.query("COMMIT");
    return r.rows;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
