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

/** A new run, "running", with its provenance; the write path completes it. */
export async function insertRun(
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
