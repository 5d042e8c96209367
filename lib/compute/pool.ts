/**
 * The process's one pool of compute threads (thread-pool.ts) shared by every kind of task (compute-thread.mjs):
 * the significance bootstrap and the recalibration what-if together use at most ATLAS_COMPUTE_THREADS threads
 * and ATLAS_COMPUTE_QUEUE waiting places.
 */
import path from "node:path";
import { computeQueue, computeThreads, ThreadPool } from "./thread-pool";
import { readEnv } from "../env";

let pool: ThreadPool | null = null;

/**
 * The thread's file is found from the working directory (the project root for every entry point), not through
 * import.meta.url: the web server's bundle does not contain it.
 */
export function computePool(): ThreadPool {
  pool ??= new ThreadPool(computeThreadFile(), computeThreads(), computeQueue());
  return pool;
}

export function computeThreadFile(): string {
  return path.resolve(readEnv("ATLAS_ROOT") ?? process.cwd(), "lib/compute/compute-thread.mjs");
}
