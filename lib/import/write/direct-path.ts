/**
 * The import's direct path, for large imports: questions and predictions COPY'd straight into their tables, question
 * ids looked up (stored questions, stored-questions.ts, loaded per language as its first row arrives) or assigned
 * (new questions, from a block reserved on the id sequence) in memory, instead of staging every row and joining the
 * stage with "Question" three times (clashes, new questions, predictions). What Postgres does is then what
 * bench:ingest-floor measures as the machine's bound: one COPY of the new questions, one binary COPY of the
 * predictions.
 *
 * Per parsed batch (a slice of at most 2,048 lines): look every row up (checks below); give new questions ids from a
 * block reserved on the sequence and queue their rows (COPY text format); stream the batch's predictions into a
 * binary-format COPY (doubles as their 8 bytes), which stays open across batches that need nothing else from the
 * connection. The queued questions go in with one COPY between two prediction COPYs (with the FK triggers on: before
 * their batch's predictions). The parse runs ahead of all this (read-ahead.ts), so Postgres and Node work side by
 * side (docs/import.md, "Benchmark").
 *
 * Checks, with the staging path's errors and file:line: a stored question with another option count or gold label,
 * and an id seen twice for one language (including an id this import creates).
 *
 * Locks: the Question table in SHARE ROW EXCLUSIVE mode for the whole import (as the staging path does for large
 * imports), so no question can be inserted, deleted or re-keyed by anyone else between its lookup and the commit —
 * which also keeps every other writer off the question id sequence while a block of it is reserved. With the FK
 * fast path (fk-fast-path.ts), the benchmark and each language row are locked FOR KEY SHARE, the locks the FK triggers
 * would have taken; without it the triggers run.
 *
 * If the id block cannot be reserved (a role that may not setval the sequence), NotAllStored hands the import over to
 * the staging path, which lets Postgres assign ids.
 */
import type pg from "pg";
import { BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from "../../db/copy-binary";
import { copyBuffer, copyInt, copyRows, copyText } from "./copy-writer";
import { ensureLanguages } from "./catalog";
import { enterBulkMode, leaveBulkMode } from "./fk-fast-path";
import { ReadAhead } from "../read/read-ahead";
import { recordBatches, type PlannedFile, type ReadOptions, type ReadTally } from "../read/read-records";
import type { ImportRecord } from "../read/record";
import { clashError, duplicateError } from "./stored-question-errors";
import { loadStoredQuestions, type StoredQuestions } from "./stored-questions";
import { RunRows } from "./run-rows";
import type { LanguageRows } from "../../db/stats";
import { readEnv } from "../../env";

/** The direct path cannot run here: take the staging path. */
export class NotAllStored extends Error {
  constructor(reason: string) {
    super(`direct import path not applicable: ${reason}`);
  }
}

/** Input size from which the direct path is tried (ATLAS_IMPORT_DIRECT_BYTES; default 8 MiB, ~100k score rows). */
export function directPathBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return readEnv("ATLAS_IMPORT_DIRECT_BYTES", env);
}

// Binary format (lib/db/copy-binary.ts): no decimal text for the probabilities on either side.
const PREDICTION_COPY_SQL = `COPY "Prediction" ("runId", "questionId", "probs", "logLikelihoods", "predicted", "confidence", "correct") FROM STDIN WITH (FORMAT binary)`;
const QUESTION_COPY_SQL = `COPY "Question" ("id", "benchmarkId", "languageCode", "externalId", "subject", "text", "options", "optionCount", "gold") FROM STDIN`;

/** Parsed rows the reader may hold ahead of the writes (~20 MB of records for score rows). */
const READ_AHEAD_ROWS = 65_536;
/** Question ids reserved at a time: the first block, and the largest (each next block doubles). */
const MIN_ID_BLOCK = 2_048;
const MAX_ID_BLOCK = 131_072;
/**
 * New questions held back at most: rows, and COPY text (characters, for question texts and options of any size).
 * Small enough that the parse read ahead (READ_AHEAD_ROWS) outlasts the question COPY, which Postgres runs while
 * nothing else can be sent: the parse goes on meanwhile instead of waiting for a long one to end.
 */
const PENDING_QUESTIONS = 32_768;
const PENDING_QUESTION_CHARS = 8 << 20;

export interface DirectResult {
  predictions: number;
  questionsCreated: number;
  /** Codes added to the Language table as unclassified. */
  newLanguages: string[];
  /** The run's predictions per language for its statistics (run-rows.ts), or null when not kept. */
  rows: Map<string, LanguageRows> | null;
}

/** Writes the questions and predictions of `files` for run `runId`. Throws NotAllStored to hand over. */
export async function importDirect(
  client: pg.ClientBase,
  args: { benchmarkId: number; runId: number; files: PlannedFile[]; read: ReadOptions; tally: ReadTally; keepRows?: boolean },
): Promise<DirectResult> {
  const { benchmarkId, runId, files } = args;
  await client.query(`LOCK TABLE "Question" IN SHARE ROW EXCLUSIVE MODE`);
  const bulk = await enterBulkMode(client);
  if (bulk) await client.query(`SELECT 1 FROM "Benchmark" WHERE "id" = $1 FOR KEY SHARE`, [benchmarkId]);

  const languages = new Map<string, StoredQuestions>();
  const newLanguages: string[] = [];
  const openLanguage = async (code: string): Promise<StoredQuestions> => {
    newLanguages.push(...(await ensureLanguages(client, [code])));
    if (bulk) await client.query(`SELECT 1 FROM "Language" WHERE "code" = $1 FOR KEY SHARE`, [code]);
    const q = await loadStoredQuestions(client, benchmarkId, code);
    languages.set(code, q);
    return q;
  };

  // A batch read and parsed; `of`/`at` (its records' questions) are filled by lookUp, once its languages are loaded.
  interface Batch {
    fileIdx: number;
    records: ImportRecord[];
    of: StoredQuestions[];
    at: Int32Array;
    /** Records whose question this import creates (ids still to assign), or null before lookUp. */
    fresh: number[] | null;
  }
  // The parse runs ahead of the writes (read-ahead.ts), also while a question COPY or a lookup holds the connection.
  const source = new ReadAhead(recordBatches(files, args.read, args.tally)[Symbol.asyncIterator](), (b) => b.records.length, READ_AHEAD_ROWS);
  const take = async (): Promise<Batch | null> => {
    const r = await source.next();
    if (r.done) return null;
    const n = r.value.records.length;
    return { ...r.value, of: new Array<StoredQuestions>(n), at: new Int32Array(n), fresh: null };
  };
  const unloaded = (b: Batch): string[] => {
    const out: string[] = [];
    for (let i = 0; i < b.records.length; i++) {
      const code = b.records[i].language;
      if ((i === 0 || code !== b.records[i - 1].language) && !languages.has(code) && !out.includes(code)) out.push(code);
    }
    return out;
  };
  const lookUp = (b: Batch): void => {
    const fresh: number[] = [];
    let q: StoredQuestions | undefined;
    for (let i = 0; i < b.records.length; i++) {
      const rec = b.records[i];
      if (q === undefined || rec.language !== b.records[i - 1].language) q = languages.get(rec.language)!;
      let k = q.find(rec.externalId);
      if (k < 0) {
        k = q.add(rec.externalId, 0, rec.optionCount, rec.gold ?? -1);
        fresh.push(i);
      } else check(q, k, rec, b.fileIdx, files);
      q.firstFile[k] = b.fileIdx + 1;
      q.firstLine[k] = rec.line;
      b.of[i] = q;
      b.at[i] = k;
    }
    b.fresh = fresh;
  };

  // New questions take ids from blocks reserved on the sequence (growing, so that a few new questions waste few ids
  // and many need few reservations); their rows wait in `pending` until the next COPY of questions.
  let nextId = 0;
  let endId = 0;
  let blockSize = MIN_ID_BLOCK;
  const reserve = async (need: number): Promise<void> => {
    const n = Math.max(need, blockSize);
    blockSize = Math.min(blockSize * 2, MAX_ID_BLOCK);
    nextId = await reserveQuestionIds(client, n);
    endId = nextId + n;
  };
  let pending = "";
  let pendingRows = 0;
  const assignIds = (b: Batch): void => {
    pendingRows += b.fresh!.length;
    for (const i of b.fresh!) {
      b.of[i].ids[b.at[i]] = nextId;
      pending += questionLine(nextId++, benchmarkId, b.records[i]);
    }
    b.fresh = [];
  };
  let created = 0;
  const writeQuestions = async (): Promise<void> => {
    if (pending === "") return;
    const text = pending;
    pending = "";
    pendingRows = 0;
    created += await copyBuffer(client, QUESTION_COPY_SQL, text);
  };

  const writer = new BinaryRowWriter();
  // The run's predictions for its statistics, unless they are skipped.
  const kept = args.keepRows ? new RunRows() : null;
  const encode = (b: Batch): Buffer => {
    for (let i = 0; i < b.records.length; i++) {
      const rec = b.records[i];
      kept?.add(b.of[i], b.at[i], rec);
      writer
        .row(7)
        .int4(runId)
        .int4(b.of[i].ids[b.at[i]])
        .float8Array(rec.probs)
        .float8Array(rec.logLikelihoods)
        .int4(rec.predicted)
        .float8(rec.confidence)
        .bool(rec.correct);
    }
    return writer.take();
  };

  // One prediction COPY runs for as long as batches need nothing else from the connection, so Postgres always has
  // the next batch queued. It ends at a language to load, at new questions when the FK triggers run (questions must
  // be stored before their predictions), when the id block runs out, or when the pending questions reach
  // PENDING_QUESTIONS rows or PENDING_QUESTION_CHARS; the questions are then written, and the next COPY starts with
  // that batch. With the FK fast path (triggers off) the order within the transaction does not matter, and a COPY of
  // predictions over new questions runs on across batches.
  let written = 0;
  try {
    let current = await take();
    async function* predictionChunks(): AsyncGenerator<Buffer> {
      yield COPY_BINARY_HEADER;
      for (;;) {
        yield encode(current!);
        current = await take();
        if (!current || unloaded(current).length > 0) break;
        lookUp(current);
        const fresh = current.fresh!.length;
        if (fresh === 0) continue;
        if (!bulk || fresh > endId - nextId) break;
        assignIds(current);
        if (pendingRows >= PENDING_QUESTIONS || pending.length >= PENDING_QUESTION_CHARS) break;
      }
      yield COPY_BINARY_TRAILER;
    }
    while (current) {
      for (const code of unloaded(current)) await openLanguage(code);
      if (!current.fresh) lookUp(current);
      const fresh = current.fresh!.length;
      if (fresh > endId - nextId) await reserve(fresh);
      if (fresh > 0) assignIds(current);
      await writeQuestions();
      written += await copyRows(client, PREDICTION_COPY_SQL, predictionChunks());
    }
    await writeQuestions();
  } finally {
    source.stop();
  }
  if (bulk) await leaveBulkMode(client);
  return { predictions: written, questionsCreated: created, newLanguages: newLanguages.sort(), rows: kept?.finish(runId) ?? null };
}

/**
 * A block of n consecutive ids from the question id sequence; returns the first. Other writers of "Question" wait
 * for this import's table lock, so nothing else draws from the sequence between the two calls; should something
 * still do, the primary key refuses the overlap and the import fails whole.
 */
async function reserveQuestionIds(client: pg.ClientBase, n: number): Promise<number> {
  await client.query("SAVEPOINT reserve_ids");
  try {
    const r = await client.query<{ last: string }>(
      `SELECT setval('"Question_id_seq"', nextval('"Question_id_seq"') + $1 - 1) AS last`,
      [n],
    );
    await client.query("RELEASE SAVEPOINT reserve_ids");
    return Number(r.rows[0].last) - n + 1;
  } catch (e) {
    if ((e as { code?: string }).code !== "42501") throw e; // insufficient privilege
    await client.query("ROLLBACK TO SAVEPOINT reserve_ids");
    throw new NotAllStored(`cannot reserve question ids: ${(e as Error).message}`);
  }
}

/** A new question's row in COPY text format. */
function questionLine(id: number, benchmarkId: number, r: ImportRecord): string {
  const options = r.options.length === 0 ? "[]" : copyText(JSON.stringify(r.options));
  return (
    `${id}\t${benchmarkId}\t${copyText(r.language)}\t${copyText(r.externalId)}\t${copyText(r.subject)}\t` +
    `${copyText(r.text)}\t${options}\t${r.optionCount}\t${copyInt(r.gold)}\n`
  );
}

/**
 * The staging path's checks of a row whose question is already known: a stored one must agree on option count and
 * gold (checked first, as the staging path reports clashes before duplicates); any may be used once.
 */
function check(q: StoredQuestions, k: number, rec: ImportRecord, fileIdx: number, files: PlannedFile[]): void {
  const gold = q.golds[k] >= 0 ? q.golds[k] : null;
  if (k < q.stored && (q.optionCounts[k] !== rec.optionCount || (gold !== null && rec.gold !== null && gold !== rec.gold))) {
    throw clashError(errorRow(rec, files[fileIdx]), { optionCount: q.optionCounts[k], gold });
  }
  if (q.firstFile[k] !== 0) throw duplicateError(errorRow(rec, files[fileIdx]), { file: files[q.firstFile[k] - 1].name, line: q.firstLine[k] });
}

/** A record as the shared error messages name it (built only when there is an error: check runs per row). */
function errorRow(rec: ImportRecord, file: PlannedFile) {
  return { extId: rec.externalId, lang: rec.language, optionCount: rec.optionCount, gold: rec.gold, file: file.name, line: rec.line };
}
