import "server-only";
/**
 * A cache for the aggregate views (results, facets, /smoothing): values computed under a version of the
 * tables they read are reused until the data changes.
 */
import type pg from "pg";

/**
 * A version of the tables the aggregate views read: row count and newest row version (xmin) of each.
 * Any insert, update or delete changes it, so results computed under one version can be reused until the
 * data changes (a few ms against a ~100 ms rebuild of the results or smoothing data).
 */
export async function dataVersion(pool: pg.Pool): Promise<string> {
  const r = await pool.query<{ v: string }>(
    `SELECT concat_ws('|', ${["RunLanguageStats", "PublishedResult", "Run", "Model", "Language", "Benchmark"]
      .map((t) => `(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM "${t}")`)
      .join(", ")}) AS v`,
  );
  return r.rows[0].v;
}

/** A small LRU of values computed under a data version. */
export function versionedCache<T>(size = 32) {
  const m = new Map<string, { version: string; value: Promise<T> }>();
  return async (pool: pg.Pool, key: string, compute: () => Promise<T>): Promise<T> => {
    const version = await dataVersion(pool);
    const hit = m.get(key);
    if (hit && hit.version === version) {
      m.delete(key);
      m.set(key, hit);
      return hit.value;
    }
    const value = compute();
    m.set(key, { version, value });
    value.catch(() => m.delete(key));
    while (m.size > size) m.delete(m.keys().next().value as string);
    return value;
  };
}

