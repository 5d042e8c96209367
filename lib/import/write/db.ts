/** Accepts what callers have at hand — a URL, a pool, or a connected client — and lends one client. */
import type pg from "pg";
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
