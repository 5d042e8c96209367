import "server-only";
/**
 * Label smoothing, one language of measured runs: the paired bootstrap over the questions two runs both
 * answered, behind /smoothing/significance — the row stored with the runs' statistics when there is one
 * (lib/db/paired-stats.ts), otherwise computed on request from the predictions of the two runs.
 */
import type pg from "pg";
import { badInput } from "../../errors";
import { pairedBootstrapBasicOffThread } from "../../compute/bootstrap-pool";
import { LruCache } from "../../cache/lru-cache";
import {
  canonicalSignificance,
  computePairedSignificance,
  type PairedSignificance,
} from "../paired-stats";

export { BOOTSTRAP_MAX_QUESTIONS, BOOTSTRAP_RESAMPLES, type PairedSignificance } from "../paired-stats";

/** Settled results by (runs, language, stats time); concurrent identical requests share one computation. */
const significanceCache = new LruCache<PairedSignificance>({ maxEntries: 500 });
/** How many computations started (tests check that identical concurrent requests share one). */
export const significanceComputations = { count: 0 };

/**
 * The paired bootstrap of run B against run A over the questions of one language that both runs answered
 * (lib/db/paired-stats.ts). A pair stored with the runs' statistics (PairedSignificance, no older than either run's
 * statistics of that language) is read from its row; any other pair is computed on request: it reads the
 * predictions of those two runs only and refuses splits larger than BOOTSTRAP_MAX_QUESTIONS. Computed results are
 * cached per (runs, language, stats time); concurrent identical requests share one computation, and the resamples
 * run on a compute thread (lib/compute), never on the event loop. Throws PoolBusy (lib/compute/thread-pool.ts) when
 * too many different computations are waiting.
 */
export async function pairedBootstrapSignificance(
  pool: pg.Pool,
  runA: number,
  runB: number,
  language: string,
): Promise<PairedSignificance> {
  // One round trip: both runs with their latest statistics time in this language, and the stored row if it is at
  // least as new as both.
  const runs = await pool.query<{ id: number; benchmarkId: number; computedAt: Date | null; stored: PairedSignificance | null }>(
    `WITH r AS (SELECT r."id", r."benchmarkId", max(s."computedAt") AS "computedAt" FROM "Run" r
                LEFT JOIN "RunLanguageStats" s ON s."runId" = r."id" AND s."languageCode" = $2
                WHERE r."id" = ANY($1) GROUP BY r."id")
     SELECT r.*, (SELECT p."result" FROM "PairedSignificance" p
                  WHERE p."runA" = $3 AND p."runB" = $4 AND p."languageCode" = $2
                    AND p."computedAt" >= (SELECT max("computedAt") FROM r)) AS stored
     FROM r ORDER BY r."id"`,
    [[runA, runB], language, runA, runB],
  );
  if (runs.rows.length !== 2) throw badInput(`runs ${runA} and ${runB} must both exist`, { field: "runs" });
  if (runs.rows[0].benchmarkId !== runs.rows[1].benchmarkId)
    throw badInput("the two runs are on different benchmarks", { field: "runs" });
  const stored = runs.rows[0].stored;
  if (stored) return canonicalSignificance(stored);
  const key = `${runA}|${runB}|${language}|${runs.rows.map((r) => r.computedAt?.toISOString()).join("|")}`;
  return significanceCache.getOrCompute(key, () => {
    significanceComputations.count++;
    return computePairedSignificance(pool, runA, runB, language, runs.rows[0].benchmarkId, pairedBootstrapBasicOffThread);
  });
}
