/** Accepts what callers have at hand — a URL, a pool, or a connected client — and lends one client. */
import pg from "pg";
import { poolFor } from "../../db/pool";
import { AtlasError } from "../../errors";

export type Db = string | pg.Pool | pg.ClientBase;

function isPool(db: pg.Pool | pg.ClientBase): db is pg.Pool {
  return "totalCount" in db; // pools count their clients; clients do not
}

export async function withClient<T>(db: Db, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (typeof db !== "string" && !isPool(db)) return fn(db);
  const pool = typeof db === "string" ? poolFor(db) : db;
  const client = await pool.connect();
  try {
    const result = await fn(client);
    client.release();
    return result;
  } catch (e) {
    // Bad input leaves the connection clean (rolled back); anything else may not: discard it.
    client.release(e instanceof AtlasError ? undefined : true);
    throw e;
  }
}

/** A unique-constraint violation of `constraint` (SQLSTATE 23505): a duplicate in the input, or a concurrent writer. */
export function isUniqueViolation(e: unknown, constraint: string): boolean {
  const pe = e as { code?: string; constraint?: string };
  return pe?.code === "23505" && pe.constraint === constraint;
}

/**
 * Opens a connection of its own to the database `db` names (the direct path's side connection, direct-path.ts), or
 * null for a bare client, whose settings are not ours to copy. Not from the pool: a pool of one connection, lent to
 * the import already, would never hand out a second.
 */
export const SIDE_APPLICATION_NAME = "atlas import side connection";

export function sideConnectionTo(db: Db): (() => Promise<pg.Client>) | null {
  if (typeof db !== "string" && !isPool(db)) return null;
  const config: pg.ClientConfig = {
    ...(typeof db === "string" ? { connectionString: db } : db.options),
    // Named, for pg_stat_activity (and the tests that check it is used).
    application_name: SIDE_APPLICATION_NAME,
  };
  return async () => {
    const c = new pg.Client(config);
    // A dropped connection must not crash the process: the read in flight fails, and with it the import.
    c.on("error", () => undefined);
    await c.connect();
    return c;
  };
}
