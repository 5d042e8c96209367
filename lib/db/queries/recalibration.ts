import "server-only";
/**
 * The post-hoc recalibration what-if for one measured run (issue 14 §2): out-of-sample ECE per language
 * before recalibration and after it under the three fits (per language, English only, pooled), 5-fold
 * cross-validation with folds by question (lib/calibration/recalibrate), with paired bootstrap intervals.
 *
 * This needs the run's predictions (a fit is a function of them): ~20 s of CPU on a GlobalMMLU-sized run, so
 * it never runs on the web server's event loop. The read and the fits run on a compute thread (lib/compute,
 * the pool the significance bootstrap uses: bounded, PoolBusy when its queue is full), single-flighted per
 * (run, method, stats version): identical requests meanwhile share the one computation. The result is stored
 * in RecalibrationResult (so other server processes and restarts read it; a stats recompute changes the
 * version and invalidates it) and kept in this process (CACHE_LIMIT entries).
 *
 * getRecalibration waits for the result; recalibrationStatus starts it and answers at once (the page renders
 * "computing…" and a small client leaf polls GET /recalibration/status until it is ready).
 */
import type pg from "pg";
import type { RecalibrationMethod } from "../../calibration/recalibrate/index";
import { PoolBusy } from "../../compute/thread-pool";
import { recalibrateOffThread } from "../../compute/recalibration-pool";
import { LruCache } from "../../cache/lru-cache";
import type { RecalibrationView } from "./recalibration-compute";

export { RECALIBRATION_RESAMPLES, type RecalibrationLanguage, type RecalibrationView } from "./recalibration-compute";

const CACHE_LIMIT = 16;
/** How long a failure is reported before the next request tries again (ms). */
const FAILURE_TTL_MS = 10_000;

interface Flight {
  promise: Promise<RecalibrationView>;
  /** Settles once the stored result has been looked up; `computing` then says whether it was missing. */
  looked: Promise<void>;
  computing: boolean;
  value?: RecalibrationView;
  error?: Error;
  failedAt?: number;
}

/**
 * Per (run, stats version, method): the computation, in flight or settled. Only settled entries are evicted (least
 * recently used first); one in flight stays, since it is the single flight its waiters share.
 */
const flights = new LruCache<Flight>({
  maxEntries: CACHE_LIMIT,
  evictable: (f) => f.value !== undefined || f.error !== undefined,
});
/** How many computations started (tests check that identical concurrent requests share one). */
export const recalibrationComputations = { count: 0 };

export async function recalibrationModels(pool: pg.Pool, benchmark: string): Promise<string[]> {
  const r = await pool.query<{ name: string }>(
    `SELECT DISTINCT m."name" FROM "Model" m JOIN "Run" r ON r."modelId" = m."id" JOIN "Benchmark" b ON b."id" = r."benchmarkId"
     WHERE b."name" = $1 AND r."status" IN ('completed', 'running') ORDER BY m."name"`,
    [benchmark],
  );
  return r.rows.map((x) => x.name);
}

async function latestRun(pool: pg.Pool, benchmark: string, model: string): Promise<{ id: number; version: string } | null> {
  const run = await pool.query<{ id: number; version: string | null }>(
    `SELECT r."id", (SELECT max(s."computedAt")::text FROM "RunLanguageStats" s WHERE s."runId" = r."id") AS version
     FROM "Run" r JOIN "Model" m ON m."id" = r."modelId" JOIN "Benchmark" b ON b."id" = r."benchmarkId"
     WHERE m."name" = $1 AND b."name" = $2 AND r."status" IN ('completed', 'running')
     ORDER BY r."createdAt" DESC, r."id" DESC LIMIT 1`,
    [model, benchmark],
  );
  const r = run.rows[0];
  return r ? { id: r.id, version: r.version ?? "" } : null;
}

/** The flight for (run, version, method): the one in the map unless it failed a while ago, else a new one. */
function flight(pool: pg.Pool, runId: number, version: string, method: RecalibrationMethod): Flight {
  const key = `${runId}|${version}|${method}`;
  const hit = flights.get(key);
  if (hit && !(hit.failedAt !== undefined && performance.now() - hit.failedAt > FAILURE_TTL_MS)) return hit;
  let looked!: () => void;
  const f: Flight = { looked: new Promise<void>((res) => (looked = res)), computing: false, promise: null as unknown as Promise<RecalibrationView> };
  f.promise = stored(pool, runId, method, version, () => {
    f.computing = true;
    looked();
  });
  f.promise.then(looked, looked);
  f.promise.then(
    (v) => (f.value = v),
    (e: Error) => {
      f.error = e;
      f.failedAt = performance.now();
      // Busy is not a result: the next request queues again.
      if (e instanceof PoolBusy && flights.get(key) === f) flights.delete(key);
    },
  );
  flights.set(key, f);
  return f;
}

/** The view of `model`'s latest run on `benchmark`, waiting for the computation if needed. Null: no run. */
export async function getRecalibration(pool: pg.Pool, benchmark: string, model: string, method: RecalibrationMethod): Promise<RecalibrationView | null> {
  const r = await latestRun(pool, benchmark, model);
  return r ? flight(pool, r.id, r.version, method).promise : null;
}

export type RecalibrationStatus =
  | { state: "none" }
  | { state: "ready"; view: RecalibrationView }
  | { state: "pending"; runId: number }
  | { state: "busy"; retryAfterS: number }
  | { state: "failed"; message: string };

/**
 * Starts the computation when it is neither stored nor in flight and answers without waiting for it: "ready"
 * when the result is in memory or stored (only that one-row read is awaited), "pending" while a computation
 * runs or waits, "busy" when the compute queue refused it, "failed" with the reason.
 */
export async function recalibrationStatus(pool: pg.Pool, benchmark: string, model: string, method: RecalibrationMethod): Promise<RecalibrationStatus> {
  const r = await latestRun(pool, benchmark, model);
  if (!r) return { state: "none" };
  const f = flight(pool, r.id, r.version, method);
  if (f.value === undefined && f.error === undefined) {
    await f.looked;
    if (!f.computing) await f.promise.catch(() => {});
    else await new Promise((res) => setImmediate(res)); // a queue refusal is immediate: let it land
  }
  if (f.value !== undefined) return { state: "ready", view: f.value };
  if (f.error instanceof PoolBusy) return { state: "busy", retryAfterS: f.error.retryAfterS };
  if (f.error) return { state: "failed", message: f.error.message };
  return { state: "pending", runId: r.id };
}

/** The connection string of a pool from lib/db/pool.ts (poolFor), for the compute thread's own connection. */
function urlOf(pool: pg.Pool): string {
  const url = pool.options.connectionString ?? process.env.DATABASE_URL;
  if (!url) throw new Error("recalibration: the database pool has no connection string");
  return url;
}

/** The stored result when its stats version is current; otherwise computes it off-thread and stores it. */
async function stored(pool: pg.Pool, runId: number, method: RecalibrationMethod, version: string, computing: () => void): Promise<RecalibrationView> {
  const r = await pool.query<{ result: RecalibrationView }>(
    `SELECT "result" FROM "RecalibrationResult" WHERE "runId" = $1 AND "method" = $2 AND "statsVersion" = $3`,
    [runId, method, version],
  );
  if (r.rows[0]) return r.rows[0].result;
  recalibrationComputations.count++;
  computing();
  const result = await recalibrateOffThread(urlOf(pool), runId, method);
  await pool.query(
    `INSERT INTO "RecalibrationResult" ("runId", "method", "statsVersion", "result") VALUES ($1, $2, $3, $4)
     ON CONFLICT ("runId", "method") DO UPDATE SET "statsVersion" = EXCLUDED."statsVersion", "result" = EXCLUDED."result", "computedAt" = now()`,
    [runId, method, version, JSON.stringify(result)],
  );
  return result;
}
