/**
 * The job queue: pg-boss 10 on the project's own Postgres (schema `pgboss`), so any number of workers
 * on any number of machines share work through one DATABASE_URL. pg-boss claims jobs with
 * SELECT … FOR UPDATE SKIP LOCKED; a job whose worker died expires (expireInSeconds) and is retried,
 * and our handlers resume from the last stored prediction.
 */
import PgBoss from "pg-boss";
import { grantQueueToWebRole } from "../../lib/db/migrate";
import { JOBS } from "../jobs/registry";
import { readEnv } from "../../lib/env";

const bosses = new Map<string, Promise<PgBoss>>();

export function bossFor(url: string): Promise<PgBoss> {
  let b = bosses.get(url);
  if (!b) {
    b = (async () => {
      const boss = new PgBoss({
        connectionString: url,
        schema: "pgboss",
        max: 4,
        // Maintenance is what expires jobs whose worker died, so it bounds how soon they are retried.
        maintenanceIntervalSeconds: readEnv("ATLAS_QUEUE_MAINTENANCE_S"),
      });
      boss.on("error", (e: Error) => console.error(`[queue] ${e.message}`));
      await boss.start();
      for (const job of Object.values(JOBS)) await boss.createQueue(job.id, { name: job.id, ...job.queue });
      // pg-boss may just have installed its schema: let the web role enqueue (lib/db/roles.ts).
      await grantQueueToWebRole(url);
      return boss;
    })();
    bosses.set(url, b);
  }
  return b;
}

export async function stopBosses(): Promise<void> {
  for (const b of bosses.values()) await (await b).stop({ graceful: true, wait: true, timeout: 10_000 });
  bosses.clear();
}
