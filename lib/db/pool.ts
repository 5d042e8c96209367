/** A node-postgres pool per URL, for raw SQL (COPY, unnest bulk writes, reports) beside Prisma. */
import pg from "pg";
import { readEnv } from "../env";

// NUMERIC (published figures) stays a string: exact digits, as printed in the paper.
const pools = new Map<string, pg.Pool>();

export function poolFor(url: string): pg.Pool {
  let p = pools.get(url);
  if (!p) {
    p = new pg.Pool({ connectionString: url, max: readEnv("ATLAS_PG_POOL") });
    // An idle connection dropped by the server (restart, admin termination) must not crash the process:
    // the pool discards it and the next query opens a new one.
    p.on("error", (e) => console.error(`[db] idle connection error: ${e.message}`));
    pools.set(url, p);
  }
  return p;
}

export async function endPools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.end()));
  pools.clear();
}

/** Runs `fn` on one pooled client inside BEGIN … COMMIT; any error rolls back and is rethrown. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
