/**
 * The Run row of an import and its provenance: created "running" with the source files (name, sha256, bytes,
 * format), the importer version, the parse options and the import key that makes re-importing the same files a
 * no-op; found again by that key; and what an import of already imported files answers.
 */
import type pg from "pg";
import type { ImportResult } from "./import-options";
import { IMPORTER_VERSION, type SourceFile } from "./provenance";
import type { PlannedFile, ReadTally } from "./read/read-records";
import type { ParseOptions } from "./read/record";

/** The run's scoring method: every method its rows used, e.g. "letter" or "continuation+letter". */
export function scoringMethodOf(tally: ReadTally): string {
  return [...tally.scoringMethods].sort().join("+");
}

/** A new run, "running", with its provenance; the write path completes it (and sets a key not known yet). */
export async function insertRun(
  client: pg.ClientBase,
  r: { modelId: number; benchmarkId: number; scoringMethod: string; key: string | null; files: PlannedFile[]; parse: ParseOptions; tally: ReadTally; started: Date },
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

/**
 * Whether these files may have been imported before for this model and benchmark: some run of theirs came from files
 * of the same sizes and formats (the import key covers model, benchmark, contents and formats, and the same contents
 * have the same sizes). Only then is it worth hashing the files before the import to look the key up; otherwise the
 * hashes are taken while the files are read. Conservative: true when there are too many runs to compare.
 */
export async function mayBeImported(client: pg.ClientBase, model: string, benchmark: string, files: PlannedFile[]): Promise<boolean> {
  const LIMIT = 1000;
  const r = await client.query<{ sourceFiles: unknown }>(
    `SELECT r."sourceFiles" FROM "Run" r JOIN "Model" m ON m.id = r."modelId" JOIN "Benchmark" b ON b.id = r."benchmarkId"
      WHERE m.name = $1 AND b.name = $2 AND r."importKey" IS NOT NULL LIMIT ${LIMIT + 1}`,
    [model, benchmark],
  );
  if (r.rows.length > LIMIT) return true;
  const shape = (fs: { bytes?: unknown; format?: unknown }[]) => fs.map((f) => `${String(f.bytes)}:${String(f.format)}`).sort().join("|");
  const ours = shape(files.map((f) => f.source));
  return r.rows.some((row) => Array.isArray(row.sourceFiles) && shape(row.sourceFiles as { bytes?: unknown; format?: unknown }[]) === ours);
}

/**
 * Sets the key and source files of a run inserted before its files were read (their sha256 was taken while reading).
 * Another import of the same files that committed first makes this fail on the key's unique index
 * (Run_importKey_key): import-files.ts then answers that run.
 */
export async function setImportKey(client: pg.ClientBase, runId: number, key: string, files: PlannedFile[]): Promise<void> {
  await client.query(`UPDATE "Run" SET "importKey" = $2, "sourceFiles" = $3 WHERE "id" = $1`, [
    runId,
    key,
    JSON.stringify(files.map((f) => f.source)),
  ]);
}

/** The run these exact files were imported as, or null. */
export async function runByKey(client: pg.ClientBase, key: string): Promise<number | null> {
  const r = await client.query<{ id: number }>(`SELECT "id" FROM "Run" WHERE "importKey" = $1`, [key]);
  return r.rows[0]?.id ?? null;
}

/** What importing already imported files answers: the stored run, nothing written. */
export async function alreadyImported(
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
