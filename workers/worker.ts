/**
 * A queue worker: claims jobs of every registered kind from pg-boss and runs their handlers one at a
 * time (one model in memory; ATLAS_WORKER_CONCURRENCY for more). Used by `npm run worker`,
 * `calib evaluate` (which works on its own run) and the tests.
 */
import type PgBoss from "pg-boss";
import { ProgressBar } from "../lib/progress";
import { bossFor } from "./queue/boss";
import { listenForJobs } from "./queue/wake";
import { missingScoringFlags } from "./v8-flags";
import { JOBS } from "./jobs/registry";
import { startReaper } from "./jobs/reaper";
import type { JobContext } from "./jobs/define";
import { isDatabaseUnavailable } from "../lib/db/unavailable";
import { waitForDatabase } from "./queue/wait-for-database";
import { readEnv } from "../lib/env";

export interface WorkerOptions {
  concurrency?: number;
  quiet?: boolean;
}

export interface RunningWorker {
  stop(): Promise<void>;
}

export async function startWorker(databaseUrl: string, opts: WorkerOptions = {}): Promise<RunningWorker> {
  const boss: PgBoss = await bossFor(databaseUrl);
  const missing = missingScoringFlags();
  if (missing.length && !opts.quiet) console.error(`worker: node was started without ${missing.join(" ")} — scoring will pause for full garbage collections (see workers/v8-flags.ts)`);
  const bar = opts.quiet ? null : new ProgressBar();
  const ids: string[] = [];
  let stopped = false;
  const concurrency = opts.concurrency ?? readEnv("ATLAS_WORKER_CONCURRENCY");
  // pg-boss 10 runs one handler at a time per work() subscription: subscribe once per slot.
  for (const def of Object.values(JOBS)) for (let slot = 0; slot < (def.concurrency?.() ?? concurrency); slot++) {
    const id = await boss.work<Record<string, unknown>>(
      def.id,
      { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true },
      async ([job]) => {
        const payload = def.payload.parse(job.data);
        const ctx: JobContext = {
          jobId: job.id,
          databaseUrl,
          finalAttempt: job.retryCount >= job.retryLimit,
          progress: (p) => bar?.update(p),
          log: (m) => {
            if (!opts.quiet) {
              bar?.done();
              console.error(m);
            }
          },
        };
        const { default: handler } = await def.handler();
        // The database going away mid-job (stopped, restarted, failed over) rolls back the batch in flight; the
        // job is still ours, so wait for the database and run the handler again — it resumes after the last stored
        // batch. (Without this the job would sit "active" until it expires, hours later.)
        for (;;) {
          try {
            await handler(payload as never, ctx);
            break;
          } catch (e) {
            if (stopped || !isDatabaseUnavailable(e)) throw e;
            bar?.done();
            console.error(`worker: the database became unavailable during job ${job.id} (${(e as Error).message.split("\n")[0]}); the batch in flight was rolled back — waiting for the database, then resuming`);
            await waitForDatabase(databaseUrl, () => stopped);
            console.error(`worker: the database is back; resuming job ${job.id}`);
          }
        }
        bar?.done();
        // One line per finished job, so operators (and tests) can see which worker of many took which split.
        if (!opts.quiet) console.error(`worker ${process.pid}: done ${def.id} job ${job.id} ${JSON.stringify(job.data)}`);
      },
    );
    ids.push(id);
  }
  // Fetch as soon as jobs are enqueued instead of at the next poll.
  const listener = listenForJobs(databaseUrl, () => ids.forEach((id) => boss.notifyWorker(id)), (m) => {
    if (!opts.quiet) console.error(m);
  });
  const reaper = startReaper(databaseUrl, boss, (m) => {
    if (!opts.quiet) console.error(m);
  });
  return {
    async stop() {
      stopped = true;
      reaper.stop();
      await listener.stop();
      for (const id of ids) await boss.offWork({ id }).catch(() => {});
    },
  };
}
