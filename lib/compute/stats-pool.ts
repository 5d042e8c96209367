/**
 * Compute threads for the statistics of an import or of a worker's split (recomputeRunStats' `pool`), as
 * `calib recompute --threads` uses them, one pool per call, closed when the call ends, whatever happens. Normal
 * priority: the import's or split's transaction holds its locks until the statistics end, so its threads must not
 * wait behind other work (at the lowest priority a busy machine would stretch the locks). Threads cost a start (each
 * loads the library, ~0.3 s of CPU), so small statistics stay in-process: a pool is started only for at least
 * STATS_POOL_MIN_PREDICTIONS predictions.
 * A task failing on a thread rejects recomputeRunStats, so the caller's transaction rolls back (nothing partial).
 */
import { availableParallelism } from "node:os";
import { readEnv, type EnvSource } from "../env";
import { computeThreadFile } from "./pool";
import { ThreadPool } from "./thread-pool";

/** Below this many predictions the statistics take less than a thread's start: in-process. */
export const STATS_POOL_MIN_PREDICTIONS = 50_000;

/**
 * Input size from which an import starts its statistics threads as it starts (write-import.ts): 8 MiB of score rows
 * is ~100,000 predictions, over STATS_POOL_MIN_PREDICTIONS, so the pool is usually one the statistics would start
 * anyway. Rows with long question texts are fewer per byte: statistics of fewer predictions still run in-process
 * (withStatsPool), the started pool unused.
 */
export const STATS_POOL_EARLY_BYTES = 8 * 2 ** 20;

/** ATLAS_STATS_THREADS, default one per core (0: always in-process). */
export function statsThreads(env: EnvSource = process.env): number {
  return readEnv("ATLAS_STATS_THREADS", env) ?? availableParallelism();
}

/**
 * A pool of statsThreads() threads for statistics of `predictions` predictions, its threads already starting and
 * loading the statistics code; null when that is fewer than two threads or the work is small (in-process). The
 * caller closes it. An import starts one while it reads its files (write-import.ts), so the threads are ready when
 * its statistics begin; withStatsPool starts one for its call.
 */
export function startStatsPool(predictions: number, env: EnvSource = process.env): ThreadPool | null {
  const size = statsThreads(env);
  // One thread would only add its start: the tasks would run one after another either way.
  if (size < 2 || predictions < STATS_POOL_MIN_PREDICTIONS) return null;
  // Waiting places for the most recomputeRunStats keeps in flight (pool.size + parts ≤ 2 × size tasks) even while the
  // warm-ups below still hold every thread.
  const pool = new ThreadPool(computeThreadFile(), size, 2 * size + 1, { priority: "normal" });
  // Every thread starts and loads the statistics code now rather than when the first task arrives. A warm-up that
  // fails is not reported here: the real tasks on that thread fail the same way and fail the call.
  for (let i = 0; i < size; i++) pool.run({ kind: "stats-warm" }).catch(() => {});
  return pool;
}

/**
 * Runs `fn` with a pool for statistics of `predictions` predictions (recomputeRunStats spreads the languages over
 * it, and a language's resamples when there are too few languages), or with none (in-process: startStatsPool's
 * rule); `started`, when given, is used instead of a new one and left to its owner. A pool started here is closed
 * when `fn` settles.
 */
export async function withStatsPool<T>(
  predictions: number,
  fn: (pool: ThreadPool | undefined) => Promise<T>,
  env: EnvSource = process.env,
  started?: ThreadPool | null,
): Promise<T> {
  // A pool started with an import (by its size in bytes) serves only statistics large enough for threads: a file of
  // long question texts can pass STATS_POOL_EARLY_BYTES with few predictions, which stay in-process as usual.
  if (started) return fn(predictions >= STATS_POOL_MIN_PREDICTIONS ? started : undefined);
  const pool = startStatsPool(predictions, env);
  if (!pool) return fn(undefined);
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}
