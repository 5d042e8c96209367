/**
 * The version of the data the views show: per table, its row count and newest row version (xmin). Any insert,
 * update or delete changes it, so anything computed under one version — query results, a rendered page — can be
 * reused until the data changes (a ~1–3 ms read against 100–300 ms of work on the full grid).
 *
 * VIEW_TABLES are those the aggregate views read; LIVE_TABLES add what the runs page and the drill-downs follow
 * while a run is going (split progress and heartbeats, API import jobs). Predictions and questions are written
 * together with their run's row (the run's insert at import or planning, its progress counter per scored batch,
 * its deletion), so the Run entry covers them without counting 28M rows.
 */
import type pg from "pg";

export const VIEW_TABLES = ["RunLanguageStats", "PublishedResult", "Run", "Model", "Language", "Benchmark"] as const;
export const LIVE_TABLES = [...VIEW_TABLES, "RunSplit", "ImportJob"] as const;

type Queryable = Pick<pg.Pool, "query">;

export async function dataVersion(pool: Queryable, tables: readonly string[] = VIEW_TABLES): Promise<string> {
  const r = await pool.query<{ v: string }>(
    `SELECT concat_ws('|', ${tables
      .map((t) => `(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM "${t}")`)
      .join(", ")}) AS v`,
  );
  return r.rows[0].v;
}

/**
 * `read` shared by concurrent callers without ever answering a caller with a version read before it asked: a
 * call while a read runs waits for it and joins the next one, which all such callers share (under 50 concurrent
 * requests: at most two reads in flight instead of fifty).
 */
export function coalesced(read: () => Promise<string>): () => Promise<string> {
  let running: Promise<string> | null = null;
  let queued: Promise<string> | null = null;
  const start = (): Promise<string> => {
    const p = read().finally(() => {
      if (running === p) running = null;
    });
    running = p;
    return p;
  };
  return () => {
    if (!running) return start();
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  };
}
