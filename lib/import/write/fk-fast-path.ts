/**
 * Bulk-load fast path for foreign keys.
 *
 * Postgres checks a foreign key with a per-row trigger (an index probe plus a FOR KEY SHARE row lock
 * through SPI). For a 1M-row import that is 4M trigger calls (Question → Benchmark, Language;
 * Prediction → Run, Question) and measured as ~70% of the write time. When the role may set
 * session_replication_role (superusers: the embedded cluster), the import switches those triggers off
 * for its two bulk INSERTs and does their job itself, set-based:
 *   - every referenced row is known to exist: benchmark and languages were ensured and the run inserted
 *     by this transaction, and question ids come from a join with "Question" in this transaction;
 *   - the rows another transaction could delete (benchmark, languages, pre-existing questions) are
 *     locked FOR KEY SHARE, exactly the lock the triggers would take, so a concurrent delete waits for
 *     this import to commit and then cascades over its rows as usual.
 * It is only used when the two tables have no triggers other than the internal FK ones (checked on
 * every import), so no one else's trigger is ever skipped. Otherwise the ordinary triggers run.
 */
import type pg from "pg";
import { readEnv } from "../../env";

/** Turns FK triggers off for the rest of the transaction if allowed and safe; returns whether it did. */
export async function enterBulkMode(client: pg.ClientBase): Promise<boolean> {
  if (readEnv("ATLAS_IMPORT_FK_TRIGGERS")) return false; // escape hatch: always use the triggers
  const user = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid IN ('"Question"'::regclass, '"Prediction"'::regclass) AND NOT tgisinternal`,
  );
  if (user.rows[0].n > 0) return false;
  await client.query("SAVEPOINT bulk_mode");
  try {
    await client.query("SET LOCAL session_replication_role = replica");
    await client.query("RELEASE SAVEPOINT bulk_mode");
    return true;
  } catch {
    await client.query("ROLLBACK TO SAVEPOINT bulk_mode"); // not permitted: keep the triggers
    return false;
  }
}

export async function leaveBulkMode(client: pg.ClientBase): Promise<void> {
  await client.query("SET LOCAL session_replication_role = origin");
}

/**
 * From this many staged rows on, pre-existing questions are protected by one table lock instead of a row lock each.
 * Locking a row writes it (xmax, a WAL record): for an import over 1M existing questions that was a large part of
 * the write time. SHARE ROW EXCLUSIVE blocks what a row lock blocks (deleting or re-keying a question) but also
 * other transactions' question inserts (another import, planning an evaluation) until this import commits, and it
 * conflicts with itself, so two large imports queue instead of deadlocking on each other's inserts (SHARE would let
 * both in, then each insert would wait for the other). Reads and prediction writes (whose FK checks take ROW SHARE)
 * go on. ATLAS_IMPORT_TABLE_LOCK_ROWS changes the threshold.
 */
export function tableLockRows(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return readEnv("ATLAS_IMPORT_TABLE_LOCK_ROWS", env);
}

/** The locks the Question → Benchmark and Question → Language FK triggers would have taken. */
export async function lockCatalogRows(client: pg.ClientBase, benchmarkId: number, languages: string[]): Promise<void> {
  await client.query(`SELECT 1 FROM "Benchmark" WHERE "id" = $1 FOR KEY SHARE`, [benchmarkId]);
  await client.query(
    `SELECT 1 FROM "Language" WHERE "code" = ANY($1::text[]) ORDER BY "code" FOR KEY SHARE`,
    [languages],
  );
}

/** The locks the FK triggers would have taken on rows that other transactions can see. */
export async function lockReferencedRows(
  client: pg.ClientBase,
  benchmarkId: number,
  languages: string[],
  stage: string,
  stagedRows = 0,
): Promise<void> {
  await lockCatalogRows(client, benchmarkId, languages);
  if (stagedRows >= tableLockRows()) {
    await client.query(`LOCK TABLE "Question" IN SHARE ROW EXCLUSIVE MODE`);
    return;
  }
  // Questions that already existed before this import (new ones are invisible to everyone else).
  await client.query(
    `SELECT count(*) FROM (
       SELECT 1 FROM ${stage} s JOIN "Question" q ON q."benchmarkId" = $1 AND q."languageCode" = s.lang AND q."externalId" = s.ext_id
       FOR KEY SHARE OF q) locked`,
    [benchmarkId],
  );
}
