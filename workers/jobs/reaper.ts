/**
 * Every worker looks for splits whose worker died (split-liveness.ts) every quarter of ATLAS_SPLIT_STALE_S (at
 * most every 15 s), so a killed worker's split is scored again about a stale window after its last heartbeat.
 * Several workers reaping at once is harmless: each stale split is taken by one of them (SKIP LOCKED + UPDATE).
 */
import type PgBoss from "pg-boss";
import { poolFor } from "../../lib/db/pool";
import { notifyJobsQueued } from "../../lib/queue/notify";
import { evaluateSplit } from "./registry";
import { reapStaleSplits, splitStaleSeconds } from "./split-liveness";

export function startReaper(databaseUrl: string, boss: PgBoss, log: (m: string) => void): { stop(): void } {
  const pool = poolFor(databaseUrl);
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const reaped = await reapStaleSplits(pool, boss, evaluateSplit.id);
      if (reaped.length) {
        await notifyJobsQueued(pool, evaluateSplit.id);
        log(
          `[queue] ${reaped.map((s) => `run ${s.runId} ${s.language}`).join(", ")}: worker lost, queued again`,
        );
      }
    } catch (e) {
      log(`[queue] reaping stale splits failed: ${(e as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), Math.min(15_000, (splitStaleSeconds() * 1000) / 4));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
