/**
 * Values computed from the views' tables, reused while the data version (lib/db/data-version.ts) is unchanged:
 * the key is prefixed with the version, so a change of data makes older entries unreachable (they age out).
 */
import type pg from "pg";
import { dataVersion } from "../db/data-version";
import { LruCache } from "./lru-cache";

export function versionedCache<T>(size = 32) {
  const cache = new LruCache<T>({ maxEntries: size });
  return async (pool: pg.Pool, key: string, compute: () => Promise<T>): Promise<T> =>
    cache.getOrCompute(`${await dataVersion(pool)}\n${key}`, compute);
}
