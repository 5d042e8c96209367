/**
 * The import's direct path, for the common case of another model's outputs over a benchmark whose questions are
 * already stored: predictions are COPY'd straight into "Prediction", with question ids looked up in memory
 * (stored-questions.ts, loaded per language as its first row arrives), instead of staging every row and joining the
 * stage with "Question" three times (clashes, new questions, predictions). 1M predictions over stored questions:
 * 21.8 s → 7.9–11.8 s on the development VM (README, "Importing predictions → Benchmark").
 *
 * It is optimistic. The first row whose question is not stored — or a language with no stored questions — throws
 * NotAllStored; the caller rolls back to its savepoint and takes the staging path, which creates questions. Checks
 * give the staging path's errors, with file and line: a stored question with another option count or gold label,
 * and an id seen twice for one language.
 *
 * Locks: the Question table in SHARE ROW EXCLUSIVE mode for the whole import (as the staging path does for large
 * imports), so no question can be deleted or re-keyed between its lookup and the commit. With the FK fast path
 * (fk-fast-path.ts), the benchmark and each language row are locked FOR KEY SHARE, the locks the FK triggers would
 * have taken; without it the triggers run.
 */
import type pg from "pg";
import { BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from "./copy-binary";
import { copyRows } from "./copy-writer";
import { enterBulkMode, leaveBulkMode } from "./fk-fast-path";
import { recordBatches, type PlannedFile, type ReadOptions, type ReadTally } from "../read/read-records";
import type { ImportRecord } from "../read/record";
import { clashError, duplicateError } from "./stored-question-errors";
import { loadStoredQuestions, type StoredQuestions } from "./stored-questions";
import { readEnv } from "../../env";

/** The import needs questions that are not stored: take the staging path. */
export class NotAllStored extends Error {
  constructor(reason: string) {
    super(`direct import path not applicable: ${reason}`);
  }
}

/** Input size from which the direct path is tried (ATLAS_IMPORT_DIRECT_BYTES; default 8 MiB, ~100k score rows). */
export function directPathBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return readEnv("ATLAS_IMPORT_DIRECT_BYTES", env);
}

/** Whether the benchmark stores any question (the direct path cannot apply otherwise). */
export async function benchmarkHasQuestions(client: pg.ClientBase, benchmarkId: number): Promise<boolean> {
  const r = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "Question" WHERE "benchmarkId" = $1) AS any`, [benchmarkId]);
  return r.rows[0].any;
}

// Binary format (copy-binary.ts): no decimal text for the probabilities on either side.
const PREDICTION_COPY_SQL = `COPY "Prediction" ("runId", "questionId", "probs", "logLikelihoods", "predicted", "confidence", "correct") FROM STDIN WITH (FORMAT binary)`;

/** Writes the predictions of `files` for run `runId`; returns how many. Throws NotAllStored to hand over. */
export async function importDirect(
  client: pg.ClientBase,
  args: { benchmarkId: number; runId: number; files: PlannedFile[]; read: ReadOptions; tally: ReadTally },
): Promise<number> {
  const { benchmarkId, runId, files } = args;
  await client.query(`LOCK TABLE "Question" IN SHARE ROW EXCLUSIVE MODE`);
  const bulk = await enterBulkMode(client);
  if (bulk) await client.query(`SELECT 1 FROM "Benchmark" WHERE "id" = $1 FOR KEY SHARE`, [benchmarkId]);

  const stored = new Map<string, StoredQuestions>();
  const batches = recordBatches(files, args.read, args.tally)[Symbol.asyncIterator]();
  // The batch being written and the position of its next record; a segment stops at a record whose language is
  // not loaded yet, since loading needs the connection that the COPY holds.
  let current: { fileIdx: number; records: ImportRecord[] } | null = null;
  let at = 0;
  const next = async (): Promise<boolean> => {
    while (!current || at >= current.records.length) {
      const r = await batches.next();
      if (r.done) return false;
      current = r.value;
      at = 0;
    }
    return true;
  };

  const writer = new BinaryRowWriter();
  async function* segment(): AsyncGenerator<Buffer> {
    yield COPY_BINARY_HEADER;
    while (await next()) {
      const { fileIdx, records } = current!;
      for (; at < records.length; at++) {
        const rec = records[at];
        const questions = stored.get(rec.language);
        if (!questions) break;
        writePrediction(writer, runId, lookUp(questions, rec, fileIdx, files), rec);
      }
      if (writer.length > 0) yield writer.take();
      if (at < records.length) break; // a language to load first
    }
    yield COPY_BINARY_TRAILER;
  }

  let written = 0;
  while (await next()) {
    const language = current!.records[at].language;
    const questions = await loadStoredQuestions(client, benchmarkId, language);
    if (questions.ids.length === 0) throw new NotAllStored(`no stored questions in language ${language}`);
    if (bulk) await client.query(`SELECT 1 FROM "Language" WHERE "code" = $1 FOR KEY SHARE`, [language]);
    stored.set(language, questions);
    written += await copyRows(client, PREDICTION_COPY_SQL, segment());
  }
  if (bulk) await leaveBulkMode(client);
  return written;
}

/** The stored question of a record, after the checks the staging path makes. */
function lookUp(q: StoredQuestions, rec: ImportRecord, fileIdx: number, files: PlannedFile[]): number {
  const k = q.index.get(rec.externalId);
  if (k === undefined) throw new NotAllStored(`question "${rec.externalId}" (${rec.language}) is not stored`);
  const gold = q.golds[k] >= 0 ? q.golds[k] : null;
  if (q.optionCounts[k] !== rec.optionCount || (gold !== null && rec.gold !== null && gold !== rec.gold)) {
    throw clashError(errorRow(rec, files[fileIdx]), { optionCount: q.optionCounts[k], gold });
  }
  if (q.firstFile[k] !== 0) throw duplicateError(errorRow(rec, files[fileIdx]), { file: files[q.firstFile[k] - 1].name, line: q.firstLine[k] });
  q.firstFile[k] = fileIdx + 1;
  q.firstLine[k] = rec.line;
  return q.ids[k];
}

/** A record as the shared error messages name it (built only when there is an error: lookUp runs per row). */
function errorRow(rec: ImportRecord, file: PlannedFile) {
  return { extId: rec.externalId, lang: rec.language, optionCount: rec.optionCount, gold: rec.gold, file: file.name, line: rec.line };
}

function writePrediction(w: BinaryRowWriter, runId: number, questionId: number, r: ImportRecord): void {
  w.row(7).int4(runId).int4(questionId).float8Array(r.probs).float8Array(r.logLikelihoods).int4(r.predicted).float8(r.confidence).bool(r.correct);
}
