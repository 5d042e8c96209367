/**
 * Writing one import inside its transaction (import-files.ts opens and ends it). Two paths:
 *   staging — COPY every row into a TEMP staging table (streamed, validated row by row) → languages → clashes with
 *             stored questions → INSERT questions → INSERT predictions (duplicate ids caught here) → Run completed;
 *   direct  — predictions COPY'd straight into "Prediction", question ids looked up in memory (write/direct-path.ts),
 *             for large imports over a benchmark whose questions are stored;
 * both then recompute the run's statistics (lib/db/stats.ts).
 */
import type pg from "pg";
import { STATS_POOL_EARLY_BYTES, STATS_POOL_MIN_PREDICTIONS, startStatsPool, withStatsPool } from "../compute/stats-pool";
import type { ThreadPool } from "../compute/thread-pool";
import { recomputeRunStats, type RowsInMemory } from "../db/stats";
import { type ImportOptions, type ImportResult, reportProgress } from "./import-options";
import { newTally, stagedChunks, type PlannedFile, type ReadOptions, type ReadTally } from "./read/read-records";
import type { ParseOptions } from "./read/record";
import { insertRun, scoringMethodOf, setImportKey } from "./run-record";
import { keyOf } from "./plan-files";
import { createBenchmark, ensureLanguages, ensureModel, findBenchmark, KNOWN_OPTION_COUNTS, type BenchmarkRow } from "./write/catalog";
import { copyRows } from "./write/copy-writer";
import { isUniqueViolation } from "./write/db";
import { directPathBytes, importDirect, NotAllStored, type SideConnection } from "./write/direct-path";
import { enterBulkMode, leaveBulkMode, lockReferencedRows } from "./write/fk-fast-path";
import {
  createStage,
  findDuplicate,
  findQuestionClash,
  insertNewQuestions,
  insertQuestionsTolerant,
  insertStagedPredictions,
  STAGE,
  STAGE_COPY_SQL,
} from "./write/stage";
import { clashError, duplicateError } from "./write/stored-question-errors";

/** One import's inputs, checked and hashed, as both write paths take them. */
export interface ImportJob {
  opts: ImportOptions;
  parse: ParseOptions;
  files: PlannedFile[];
  /** The import key when the files were hashed before the import; null: set once they are read (import-files.ts). */
  key: string | null;
  started: Date;
  maxLineBytes: number;
  /** The direct path's side connection, when the import runs its own transaction (direct-path.ts). */
  side?: SideConnection | null;
  /** Statistics threads started with the import (importInTransaction); none: finishImport decides. */
  pool?: ThreadPool | null;
}

/**
 * Model, benchmark and run rows, questions and predictions, then statistics, in the caller's transaction: over a
 * benchmark whose questions are stored, large imports try the direct path first (it rolls back to a savepoint when
 * a question is new); otherwise, or then, the staging path.
 */
export async function importInTransaction(client: pg.ClientBase, job: ImportJob): Promise<ImportResult> {
  const bytes = job.files.reduce((a, f) => a + f.bytes, 0);
  // A large import's statistics threads start now and load while the files are read and written: their start
  // (~0.5 s on 2 cores) is otherwise spent after the writing, with the statistics waiting for it.
  const pool = job.opts.stats !== false && bytes >= STATS_POOL_EARLY_BYTES ? startStatsPool(STATS_POOL_MIN_PREDICTIONS) : null;
  try {
    return await importWithPool(client, { ...job, pool }, bytes);
  } finally {
    await pool?.close();
  }
}

async function importWithPool(client: pg.ClientBase, job: ImportJob, bytes: number): Promise<ImportResult> {
  const { opts, parse, files, key, started, maxLineBytes } = job;

  const modelId = await ensureModel(client, {
    name: opts.model,
    base: opts.base,
    sft: opts.sft,
    beta: opts.beta,
    family: opts.family,
  });
  let benchmark: BenchmarkRow | null = await findBenchmark(client, opts.benchmark, opts.options);
  const knownCount = benchmark?.optionCount ?? opts.options ?? KNOWN_OPTION_COUNTS[opts.benchmark];

  const read: ReadOptions = {
    parse,
    maxLineBytes,
    optionCount: knownCount,
    benchmark: opts.benchmark,
    onBatch: (t) => reportProgress(opts, "reading", t),
  };
  if (bytes >= directPathBytes()) {
    await client.query("SAVEPOINT direct_path");
    try {
      const result = await importDirectly(client, job, modelId, benchmark, knownCount, read);
      await client.query("RELEASE SAVEPOINT direct_path");
      return result;
    } catch (e) {
      if (!(e instanceof NotAllStored)) throw e;
      await client.query("ROLLBACK TO SAVEPOINT direct_path");
    }
  }

  await createStage(client);
  const tally = newTally(files);
  await copyRows(client, STAGE_COPY_SQL, stagedChunks(files, read, tally));
  reportProgress(opts, "writing", tally);
  // Planner statistics for the joins below (temp tables are never auto-analysed).
  await client.query(`ANALYZE ${STAGE} (lang, ext_id)`);

  benchmark ??= await createBenchmark(client, opts.benchmark, knownCount ?? tally.maxOptions);
  const newLanguages = await ensureLanguages(client, tally.languages.keys());

  const clash = await findQuestionClash(client, benchmark.id);
  if (clash) {
    throw clashError(
      { ...clash, file: files[clash.fileIdx].name },
      { optionCount: clash.storedOptionCount, gold: clash.storedGold },
    );
  }
  const scoringMethod = scoringMethodOf(tally);
  const runId = await insertRun(client, {
    modelId,
    benchmarkId: benchmark.id,
    scoringMethod,
    key: key ?? keyOf(opts, parse, files), // the files are read
    files,
    parse,
    tally,
    started,
  });

  let bulk = await enterBulkMode(client);
  if (bulk) await lockReferencedRows(client, benchmark.id, [...tally.languages.keys()], STAGE, tally.rows);
  let questionsCreated: number;
  await client.query("SAVEPOINT questions");
  try {
    questionsCreated = await insertNewQuestions(client, benchmark.id);
  } catch (e) {
    if (!isUniqueViolation(e, "Question_benchmarkId_languageCode_externalId_key")) throw e;
    // Duplicate ids in the input, or questions just created by a concurrent transaction: take the
    // tolerant path, with the ordinary FK triggers (so rows we did not lock get their locks).
    await client.query("ROLLBACK TO SAVEPOINT questions");
    if (bulk) await leaveBulkMode(client);
    bulk = false;
    questionsCreated = await insertQuestionsTolerant(client, benchmark.id);
  }

  // A savepoint so that a duplicate-key failure can still be explained from the staging table.
  await client.query("SAVEPOINT predictions");
  let predictions: number;
  try {
    predictions = await insertStagedPredictions(client, runId, benchmark.id, "error");
  } catch (e) {
    if (!isUniqueViolation(e, "Prediction_pkey")) throw e;
    await client.query("ROLLBACK TO SAVEPOINT predictions");
    const d = await findDuplicate(client);
    if (!d) throw e;
    throw duplicateError({ ...d, file: files[d.fileIdx].name }, { file: files[d.firstFileIdx].name, line: d.firstLine });
  }
  if (bulk) await leaveBulkMode(client);
  await client.query(
    `UPDATE "Run" SET "status" = 'completed', "progressDone" = $2, "finishedAt" = now() WHERE "id" = $1`,
    [runId, predictions],
  );

  return finishImport(client, job, runId, tally, {
    predictions,
    questionsCreated,
    newLanguages: newLanguages.sort(),
    scoringMethod,
    writePath: "staging",
  });
}

/** The direct path (direct-path.ts): the Run first, then questions and predictions straight into their tables. */
async function importDirectly(
  client: pg.ClientBase,
  job: ImportJob,
  modelId: number,
  found: BenchmarkRow | null,
  knownCount: number | undefined,
  read: ReadOptions,
): Promise<ImportResult> {
  const { opts, parse, files, key, started, side } = job;
  const tally = newTally(files);
  // A new benchmark of unknown option count takes the largest count seen, set once the files are read.
  const benchmark = found ?? (await createBenchmark(client, opts.benchmark, knownCount ?? 2));
  // Scoring method, top-label flag and row count are known once the files are read: set again below.
  const runId = await insertRun(client, { modelId, benchmarkId: benchmark.id, scoringMethod: "", key, files, parse, tally, started });
  const written = await importDirect(client, { benchmarkId: benchmark.id, runId, files, read, tally, keepRows: opts.stats !== false, side });
  if (key === null) await setImportKey(client, runId, keyOf(opts, parse, files), files);
  if (!found && knownCount === undefined)
    await client.query(`UPDATE "Benchmark" SET "optionCount" = $2 WHERE "id" = $1`, [benchmark.id, tally.maxOptions]);
  const scoringMethod = scoringMethodOf(tally);
  reportProgress(opts, "writing", tally);
  await client.query(
    `UPDATE "Run" SET "status" = 'completed', "scoringMethod" = $2, "topLabelOnly" = $3, "progressTotal" = $4,
            "progressDone" = $4, "finishedAt" = now() WHERE "id" = $1`,
    [runId, scoringMethod, tally.topLabelOnly, written.predictions],
  );
  const { rows, ...result } = written;
  return finishImport(client, job, runId, tally, { ...result, scoringMethod, writePath: "direct" }, rows ?? undefined);
}

/**
 * Both write paths end alike: the run's statistics (unless skipped; the languages on compute threads for a large
 * import, lib/compute/stats-pool.ts), then the result.
 */
async function finishImport(
  client: pg.ClientBase,
  { opts, files, pool }: ImportJob,
  runId: number,
  tally: ReadTally,
  written: Pick<ImportResult, "predictions" | "questionsCreated" | "newLanguages" | "scoringMethod" | "writePath">,
  /** The new run's predictions per language, kept by the direct path: the statistics read nothing back. */
  inMemory?: RowsInMemory,
): Promise<ImportResult> {
  if (opts.stats !== false) {
    reportProgress(opts, "stats", tally);
    await withStatsPool(written.predictions, (threads) => recomputeRunStats(client, runId, { pool: threads, inMemory }), process.env, pool);
  }
  return {
    runId,
    alreadyImported: false,
    ...written,
    languages: [...tally.languages.keys()].sort(),
    files: files.map((f) => f.source),
    topLabelOnly: tally.topLabelOnly,
  };
}
