/**
 * importFiles: the one import path (CLI, API, demo seed, worker tooling). All-or-nothing:
 *
 *   check options (import-options.ts) → walk and detect the files (plan-files.ts) → may they repeat an import?
 *   then hash them and answer the earlier run if so (run-record.ts) → BEGIN → model/benchmark, questions,
 *   predictions, Run row and its key, statistics (write-import.ts) → COMMIT
 *
 * The key needs every file's sha256. Hashing first costs a pass over the files (~0.1 s per 100 MB) before anything is
 * written, so it is done only when a run of this model and benchmark came from files of the same sizes and formats;
 * otherwise the sha256 is taken while the files are read and the key set before COMMIT. Two imports of the same new
 * files at once: the second to set the key fails on its unique index, rolls back, and answers the first's run.
 *
 * Any error rolls the whole transaction back, so nothing stored before the import changes. Inside a caller's
 * transaction (e.g. a seed script) a savepoint gives the same all-or-nothing.
 */
import type pg from "pg";
import { checkOptions, type ImportOptions, type ImportResult } from "./import-options";
import { importLimits } from "./limits";
import { hashFiles, keyOf, planFiles } from "./plan-files";
import { alreadyImported, mayBeImported, runByKey } from "./run-record";
import { importInTransaction } from "./write-import";
import { isUniqueViolation, sideConnectionTo, withClient } from "./write/db";
import { enlargeTempBuffers, STAGE } from "./write/stage";
import { verifyModel } from "./write/catalog";
import { readEnv } from "../env";

export type { ImportOptions, ImportProgress, ImportResult } from "./import-options";

export async function importFiles(options: ImportOptions): Promise<ImportResult> {
  const { opts, parse } = checkOptions(options);
  const limits = importLimits();
  const planned = await planFiles(opts, parse, limits);
  const sources = planned.map((p) => p.source);

  return withClient(opts.db, async (client) => {
    const spec = { name: opts.model, base: opts.base, sft: opts.sft, beta: opts.beta, family: opts.family };
    let key: string | null = null;
    if (await mayBeImported(client, opts.model, opts.benchmark, planned)) {
      await hashFiles(planned, opts);
      key = keyOf(opts, parse, planned);
      const previous = await runByKey(client, key);
      if (previous !== null) {
        await verifyModel(client, spec); // a no-op, but not with contradicting model flags
        return alreadyImported(client, previous, sources);
      }
    }
    const started = new Date();
    const nested = await inTransaction(client);
    if (!nested) await enlargeTempBuffers(client);
    await client.query(nested ? "SAVEPOINT atlas_import" : "BEGIN");
    try {
      // The staging joins hash up to every row of the import: keep them in memory rather than in
      // batches spilled to disk (default work_mem is 4 MB). Transaction-local.
      await client.query(`SELECT set_config('work_mem', $1, true)`, [
        readEnv("ATLAS_IMPORT_WORK_MEM"),
      ]);
      // A side connection sees only committed rows: none inside a caller's transaction (direct-path.ts).
      const side = nested ? null : sideConnectionTo(opts.db);
      const result = await importInTransaction(client, { opts, parse, files: planned, key, started, maxLineBytes: limits.maxLineBytes, side });
      // The direct path creates no staging table.
      if (nested) await client.query(`DROP TABLE IF EXISTS ${STAGE}; RELEASE SAVEPOINT atlas_import`);
      else await client.query("COMMIT");
      return result;
    } catch (e) {
      // If the connection itself failed, ROLLBACK fails too: report the original error, not that one.
      await client
        .query(nested ? "ROLLBACK TO SAVEPOINT atlas_import; RELEASE SAVEPOINT atlas_import" : "ROLLBACK")
        .catch(() => undefined);
      // Lost a race with a concurrent import of the same files: theirs stands.
      if (isUniqueViolation(e, "Run_importKey_key")) {
        const id = await runByKey(client, key ?? keyOf(opts, parse, planned));
        if (id !== null) return alreadyImported(client, id, sources);
      }
      throw e;
    }
  });
}

/**
 * Whether the client is inside a transaction block: there, transaction_timestamp() is when BEGIN ran;
 * outside, this SELECT is its own transaction and both timestamps are the same instant.
 */
async function inTransaction(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query<{ open: boolean }>(
    `SELECT transaction_timestamp() <> statement_timestamp() AS open`,
  );
  return r.rows[0].open;
}
