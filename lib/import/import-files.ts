/**
 * importFiles: the one import path (CLI, API, demo seed, worker tooling). All-or-nothing:
 *
 *   hash files → already imported? → BEGIN → model/benchmark → COPY every row into a TEMP staging table
 *   (streamed, validated row by row) → languages → clashes with stored questions → INSERT questions →
 *   INSERT predictions (duplicate ids caught here) → Run row → recomputeRunStats → COMMIT
 *
 * Large imports take the direct path instead (direct-path.ts: questions and predictions COPY'd straight into their
 * tables, question ids looked up or assigned in memory); should it not apply, it rolls back to a savepoint and the
 * staging path above runs.
 *
 * Any error rolls the whole transaction back, so nothing stored before the import changes.
 */
import type pg from "pg";
import { badInput } from "../errors";
import {
  createBenchmark,
  ensureLanguages,
  ensureModel,
  findBenchmark,
  verifyModel,
  KNOWN_OPTION_COUNTS,
  LANGUAGE_CODE,
  type BenchmarkRow,
} from "./write/catalog";
import { copyRows } from "./write/copy-writer";
import { withClient, type Db } from "./write/db";
import { detectFileFormat } from "./read/detect";
import { resolveInputs } from "./read/files";
import { importLimits } from "./limits";
import { IMPORTER_VERSION, importKey, sha256File, type SourceFile } from "./provenance";
import { newTally, stagedChunks, type PlannedFile, type ReadOptions, type ReadTally } from "./read/read-records";
import { FORMATS, NORMALIZATIONS, type Format, type Normalize, type ParseOptions } from "./read/record";
import { enterBulkMode, leaveBulkMode, lockReferencedRows } from "./write/fk-fast-path";
import {
  createStage,
  enlargeTempBuffers,
  findDuplicate,
  findQuestionClash,
  insertNewQuestions,
  insertQuestionsTolerant,
  insertStagedPredictions,
  STAGE,
  STAGE_COPY_SQL,
} from "./write/stage";
import { recomputeRunStats } from "../db/stats";
import { directPathBytes, importDirect, NotAllStored } from "./write/direct-path";
import { clashError, duplicateError } from "./write/stored-question-errors";

export interface ImportOptions {
  /** Database: URL, pool, or a connected client (inside a transaction, the import uses a savepoint). */
  db: Db;
  /** Files and/or directories (walked recursively for .jsonl/.ndjson/.csv/.txt). */
  files: string[];
  /** Display names for `files` (same order), e.g. the original names of uploaded temp files. */
  names?: (string | undefined)[];
  model: string;
  /** Base model name: links Model.baseModelId, creating the base row if absent. */
  base?: string;
  /** SFT dataset of the model (Model.sftDataset). */
  sft?: string;
  /** Label-smoothing β of the SFT (Model.smoothing). */
  beta?: number;
  /** Family; default: the base's family, else the model name. */
  family?: string;
  benchmark: string;
  /** Benchmark option count when the benchmark is created (default: known count, else the largest seen). */
  options?: number;
  language?: string;
  subject?: string;
  /** Force a format instead of detecting it per file. */
  format?: Format;
  normalize?: Normalize;
  /** Accept generic `probs` rows that do not sum to 1 and rescale them (default: reject them). */
  renormalize?: boolean;
  onProgress?: (p: ImportProgress) => void;
  /**
   * Recompute the run's statistics in the import transaction (default true). Bulk tooling may pass
   * false and run `calib recompute` afterwards; until then the run has no RunLanguageStats rows.
   */
  stats?: boolean;
}

export interface ImportProgress {
  phase: "hashing" | "reading" | "writing" | "stats";
  bytesRead: number;
  bytesTotal: number;
  rows: number;
}

export interface ImportResult {
  runId: number;
  /** True when these exact files were imported before: nothing was written. */
  alreadyImported: boolean;
  predictions: number;
  questionsCreated: number;
  /** Language codes of the run's predictions, sorted. */
  languages: string[];
  /** Codes added to the Language table as unclassified by this import. */
  newLanguages: string[];
  files: SourceFile[];
  topLabelOnly: boolean;
  scoringMethod: string;
  /** How the predictions were written: "direct" (all questions stored, see direct-path.ts), "staging", or "none" (already imported). */
  writePath: "direct" | "staging" | "none";
}

const MAX_NAME = 200;

export async function importFiles(options: ImportOptions): Promise<ImportResult> {
  const { opts, parse } = checkOptions(options);
  const limits = importLimits();
  const inputs = await resolveInputs(opts.files, opts.names, limits.maxFileBytes);
  const bytesTotal = inputs.reduce((a, f) => a + f.bytes, 0);

  const planned: PlannedFile[] = [];
  let hashed = 0;
  for (const f of inputs) {
    const format = opts.format ?? (await detectFileFormat(f.path, f.name, limits.maxLineBytes));
    if (parse.normalize !== "none" && format !== "lm-eval") {
      throw badInput(`--normalize applies to lm-eval sample files only (this file is ${format})`, {
        file: f.name,
        field: "normalize",
      });
    }
    const sha256 = await sha256File(f.path);
    hashed += f.bytes;
    opts.onProgress?.({ phase: "hashing", bytesRead: hashed, bytesTotal, rows: 0 });
    planned.push({ ...f, source: { name: f.name, sha256, bytes: f.bytes, format } });
  }
  const sources = planned.map((p) => p.source);
  const key = importKey({ model: opts.model, benchmark: opts.benchmark, files: sources, ...parse });

  return withClient(opts.db, async (client) => {
    const spec = { name: opts.model, base: opts.base, sft: opts.sft, beta: opts.beta, family: opts.family };
    const previous = await runByKey(client, key);
    if (previous !== null) {
      await verifyModel(client, spec); // a no-op, but not with contradicting model flags
      return alreadyImported(client, previous, sources);
    }
    const started = new Date();
    // Inside the caller's transaction (e.g. a seed script), a savepoint gives the same all-or-nothing.
    const nested = await inTransaction(client);
    if (!nested) await enlargeTempBuffers(client);
    await client.query(nested ? "SAVEPOINT atlas_import" : "BEGIN");
    try {
      // The staging joins hash up to every row of the import: keep them in memory rather than in
      // batches spilled to disk (default work_mem is 4 MB). Transaction-local.
      await client.query(`SELECT set_config('work_mem', $1, true)`, [
        process.env.ATLAS_IMPORT_WORK_MEM ?? "256MB",
      ]);
      const result = await importInTransaction(client, { opts, parse, files: planned, key, started, maxLineBytes: limits.maxLineBytes });
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
        const id = await runByKey(client, key);
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

/** One import's inputs, checked and hashed, as both write paths take them. */
interface ImportJob {
  opts: ImportOptions;
  parse: ParseOptions;
  files: PlannedFile[];
  key: string;
  started: Date;
  maxLineBytes: number;
}

async function importInTransaction(client: pg.ClientBase, job: ImportJob): Promise<ImportResult> {
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
    onBatch: (t) => report(opts, "reading", t),
  };
  const bytes = files.reduce((a, f) => a + f.bytes, 0);
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
  report(opts, "writing", tally);
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
  const runId = await insertRun(client, { modelId, benchmarkId: benchmark.id, scoringMethod, key, files, parse, tally, started });

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

  return finishImport(client, opts, runId, files, tally, {
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
  { opts, parse, files, key, started }: ImportJob,
  modelId: number,
  found: BenchmarkRow | null,
  knownCount: number | undefined,
  read: ReadOptions,
): Promise<ImportResult> {
  const tally = newTally(files);
  // A new benchmark of unknown option count takes the largest count seen, set once the files are read.
  const benchmark = found ?? (await createBenchmark(client, opts.benchmark, knownCount ?? 2));
  // Scoring method, top-label flag and row count are known once the files are read: set again below.
  const runId = await insertRun(client, { modelId, benchmarkId: benchmark.id, scoringMethod: "", key, files, parse, tally, started });
  const written = await importDirect(client, { benchmarkId: benchmark.id, runId, files, read, tally });
  if (!found && knownCount === undefined)
    await client.query(`UPDATE "Benchmark" SET "optionCount" = $2 WHERE "id" = $1`, [benchmark.id, tally.maxOptions]);
  const scoringMethod = scoringMethodOf(tally);
  report(opts, "writing", tally);
  await client.query(
    `UPDATE "Run" SET "status" = 'completed', "scoringMethod" = $2, "topLabelOnly" = $3, "progressTotal" = $4,
            "progressDone" = $4, "finishedAt" = now() WHERE "id" = $1`,
    [runId, scoringMethod, tally.topLabelOnly, written.predictions],
  );
  return finishImport(client, opts, runId, files, tally, { ...written, scoringMethod, writePath: "direct" });
}

/** Both write paths end alike: the run's statistics (unless skipped), then the result. */
async function finishImport(
  client: pg.ClientBase,
  opts: ImportOptions,
  runId: number,
  files: PlannedFile[],
  tally: ReadTally,
  written: Pick<ImportResult, "predictions" | "questionsCreated" | "newLanguages" | "scoringMethod" | "writePath">,
): Promise<ImportResult> {
  if (opts.stats !== false) {
    report(opts, "stats", tally);
    await recomputeRunStats(client, runId);
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

function report(opts: ImportOptions, phase: ImportProgress["phase"], t: ReadTally): void {
  opts.onProgress?.({ phase, bytesRead: t.bytesRead, bytesTotal: t.bytesTotal, rows: t.rows });
}

function scoringMethodOf(tally: ReadTally): string {
  return [...tally.scoringMethods].sort().join("+");
}

async function insertRun(
  client: pg.ClientBase,
  r: { modelId: number; benchmarkId: number; scoringMethod: string; key: string; files: PlannedFile[]; parse: ParseOptions; tally: ReadTally; started: Date },
): Promise<number> {
  const run = await client.query<{ id: number }>(
    `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "status", "provenance", "importKey", "sourceFiles",
                        "importerVersion", "topLabelOnly", "config", "progressTotal", "startedAt")
     VALUES ($1, $2, $3, 'running', 'imported', $4, $5, $6, $7, $8, $9, $10) RETURNING "id"`,
    [
      r.modelId,
      r.benchmarkId,
      r.scoringMethod,
      r.key,
      JSON.stringify(r.files.map((f) => f.source)),
      IMPORTER_VERSION,
      r.tally.topLabelOnly,
      JSON.stringify({ formats: [...new Set(r.files.map((f) => f.source.format))], ...r.parse }),
      r.tally.rows,
      r.started,
    ],
  );
  return run.rows[0].id;
}

async function runByKey(client: pg.ClientBase, key: string): Promise<number | null> {
  const r = await client.query<{ id: number }>(`SELECT "id" FROM "Run" WHERE "importKey" = $1`, [key]);
  return r.rows[0]?.id ?? null;
}

async function alreadyImported(
  client: pg.ClientBase,
  runId: number,
  files: SourceFile[],
): Promise<ImportResult> {
  const r = await client.query<{
    n: number;
    languages: string[] | null;
    topLabelOnly: boolean;
    scoringMethod: string;
  }>(
    `SELECT (SELECT count(*)::int FROM "Prediction" WHERE "runId" = $1) AS n,
            (SELECT array_agg(DISTINCT q."languageCode" ORDER BY q."languageCode") FROM "Prediction" p
               JOIN "Question" q ON q.id = p."questionId" WHERE p."runId" = $1) AS languages,
            r."topLabelOnly", r."scoringMethod"
       FROM "Run" r WHERE r.id = $1`,
    [runId],
  );
  const row = r.rows[0];
  return {
    runId,
    alreadyImported: true,
    predictions: row?.n ?? 0,
    questionsCreated: 0,
    languages: row?.languages ?? [],
    newLanguages: [],
    files,
    topLabelOnly: row?.topLabelOnly ?? false,
    scoringMethod: row?.scoringMethod ?? "",
    writePath: "none",
  };
}

function isUniqueViolation(e: unknown, constraint: string): boolean {
  const pe = e as { code?: string; constraint?: string };
  return pe?.code === "23505" && pe.constraint === constraint;
}

/** Validates and trims the options (a copy: the caller's object is not modified). */
function checkOptions(given: ImportOptions): { opts: ImportOptions; parse: ParseOptions } {
  const o = { ...given };
  const name = (v: string | undefined, field: string, required: boolean): string | undefined => {
    if (v === undefined) {
      if (required) throw badInput(`missing --${field}`, { field });
      return undefined;
    }
    const t = v.trim();
    if (t === "" || t.length > MAX_NAME)
      throw badInput(`--${field} must be 1–${MAX_NAME} characters`, { field });
    return t;
  };
  o.model = name(o.model, "model", true)!;
  o.benchmark = name(o.benchmark, "benchmark", true)!;
  o.base = name(o.base, "base", false);
  o.sft = name(o.sft, "sft", false);
  o.family = name(o.family, "family", false);
  if (o.beta !== undefined && !(Number.isFinite(o.beta) && o.beta >= 0 && o.beta <= 1)) {
    throw badInput(`--beta must be a number in [0, 1]`, { field: "beta" });
  }
  if (o.options !== undefined && !(Number.isInteger(o.options) && o.options >= 2 && o.options <= 100)) {
    throw badInput(`--options must be an integer from 2 to 100`, { field: "options" });
  }
  if (o.format !== undefined && !FORMATS.includes(o.format)) {
    throw badInput(`unknown format "${o.format}" (${FORMATS.join(", ")})`, { field: "format" });
  }
  const normalize = o.normalize ?? "none";
  if (!NORMALIZATIONS.includes(normalize))
    throw badInput(`--normalize must be one of ${NORMALIZATIONS.join(", ")}`, { field: "normalize" });
  let language = o.language;
  if (language !== undefined) {
    language = language.trim().toLowerCase();
    if (!LANGUAGE_CODE.test(language))
      throw badInput(`unknown language "${o.language}": expected an ISO 639 code of 2–3 letters`, {
        field: "language",
      });
  }
  const subject = name(o.subject, "subject", false);
  return { opts: o, parse: { language, subject, normalize, renormalize: o.renormalize ?? false } };
}
