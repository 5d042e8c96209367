/**
 * `npm run worker`: claims evaluation jobs from the Postgres queue until stopped (Ctrl-C finishes the
 * current batch's transaction and exits; an interrupted job is retried and resumes).
 * Many workers on many machines can share one DATABASE_URL.
 */
import { resolveDatabaseUrl } from "../lib/db/url";
import { endPools } from "../lib/db/pool";
import { startWorker } from "./worker";
import { stopBosses } from "./queue/boss";
import { onLostConnection } from "../lib/db/unavailable";

// A connection broken under a busy client must not end the worker: the job in flight fails on its own, and the
// worker waits for the database and resumes it (workers/worker.ts).
onLostConnection((e) => console.error(`worker: lost a database connection (${(e as Error).message})`));

const url = await resolveDatabaseUrl();
const worker = await startWorker(url);
console.error(`worker ready (queue on ${new URL(url).host}); waiting for jobs — Ctrl-C to stop`);
let stopping = false;
const stop = async () => {
  if (stopping) process.exit(130);
  stopping = true;
  console.error("\nworker stopping…");
  await worker.stop();
  await stopBosses();
  await endPools();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
