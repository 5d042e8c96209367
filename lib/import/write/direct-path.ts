/**
 * The import's direct path, for large imports: questions and predictions COPY'd straight into their tables, question
 * ids looked up (stored questions, stored-questions.ts, loaded per language as its first row arrives) or assigned
 * (new questions, from a block reserved on the id sequence) in memory, instead of staging every row and joining the
 * stage with "Question" three times (clashes, new questions, predictions). What Postgres does is then what
 * bench:ingest-floor measures as the machine's bound: one COPY of the new questions, one binary COPY of the
 * predictions.
 *
 * Two halves, side by side (docs/import.md, "Benchmark"):
 *  - the producer, per parsed batch (a slice of at most 2,048 lines): loads the stored questions of a language at its
 *    first row, looks every row up (checks below), gives new questions ids from a block reserved on the sequence, and
 *    encodes the batch — its predictions as binary COPY rows (doubles as their 8 bytes), its new questions as COPY
 *    text. It runs ahead of the writes (read-ahead.ts, READ_AHEAD_BYTES of encoded rows), and its two database reads
 *    (a language's questions, an id block) go to a side connection when the import runs its own transaction (from
 *    the first prediction COPY on; before it, the import's idle connection serves them), so neither waits for the
 *    import's connection to finish a COPY;
 *  - the writer, on the import's connection: one prediction COPY that stays open across batches that need nothing
 *    else from the connection; between two of them, the Language rows of languages without stored questions, and
 *    the queued questions in one COPY (with the FK triggers on: before their batch's predictions).
 * Without a side connection (inside a caller's transaction, given a bare client, or when it cannot be opened) the
 * producer's reads are served by the writer between two COPYs.
 *
 * Checks, with the staging path's errors and file:line: a stored question with another option count or gold label,
 * and an id seen twice for one language (including an id this import creates).
 *
 * Locks: the Question table in SHARE ROW EXCLUSIVE mode for the whole import (as the staging path does for large
 * imports), so no question can be inserted, deleted or re-keyed by anyone else between its lookup and the commit —
 * which also keeps every other writer off the question id sequence while a block of it is reserved. With the FK
 * fast path (fk-fast-path.ts), the benchmark and each language row without stored questions are locked FOR KEY SHARE,
 * the locks the FK triggers would have taken; without it the triggers run. A language's stored questions already keep
 * its row, in both modes: the FK refuses its delete, and a change of its code would cascade into "Question", locked.
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
import type { RowsInMemory } from "../../db/stats";
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

/**
 * Encoded rows the producer may hold ahead of the writes, in bytes (prediction COPY bytes and question COPY text):
 * ~140k four-option predictions, enough that Node goes on reading while Postgres finishes a COPY (the drain before
 * the next statement) and stores a block of new questions.
 */
const READ_AHEAD_BYTES = 16 << 20;
const NO_BYTES = Buffer.alloc(0);
/** Question ids reserved at a time: the first block, and the largest (each next block doubles). */
const MIN_ID_BLOCK = 2_048;
const MAX_ID_BLOCK = 131_072;
/**
 * New questions held back at most (rows, and bytes of COPY text for question texts and options of any size) before a
 * COPY. Each question COPY ends the prediction COPY and starts it again; 1M new questions in blocks of 131,072 rather
 * than 32,768 took 8.35–8.40 s instead of 10.00–11.86 s (statistics off, runs alternating on one machine), for at most
 * 32 MiB held.
 */
const PENDING_QUESTIONS = 131_072;
const PENDING_QUESTION_BYTES = 32 << 20;

export interface DirectResult {
  predictions: number;
  questionsCreated: number;
  /** Codes added to the Language table as unclassified. */
  newLanguages: string[];
  /** The run's predictions per language for its statistics (run-rows.ts), or null when not kept. */
  rows: RowsInMemory | null;
}

/**
 * A second connection for the reads the producer needs while the import's own connection is busy with a COPY: a
 * language's stored questions and blocks of question ids (sequences are not transactional). Only for an import that
 * runs its own transaction: it has locked "Question" before the side connection reads it, so what the side reads is
 * what the transaction sees (no other writer can commit questions meanwhile, and the import's own new questions are
 * of languages it has already read). Inside a caller's transaction, whose uncommitted questions another connection
 * cannot see, there is none and those reads wait for a pause between two COPYs of the import's connection.
 */
export type SideConnection = () => Promise<pg.Client>;

/** One slice of input, looked up and encoded by the producer, ready for the writer. */
interface Item {
  /** Binary COPY rows of its predictions. */
  predictions: Buffer;
  /**
   * COPY text of the questions it creates (ids assigned), as bytes: held until a question COPY, as a string it would
   * be copied by every young-generation GC on the way (a rope of 131,072 lines).
   */
  questions: Buffer;
  questionRows: number;
  /**
   * Languages first seen in it that store no question of the benchmark: their Language rows are ensured (and locked)
   * before its rows are written.
   */
  languages: string[];
}

/** Work the producer asks of the import's connection (no side connection): served between two COPYs. */
class ConnectionRequests {
  private readonly queue: { run: (c: pg.ClientBase) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  /** Called when a request is queued (the writer, waiting for the next item, stops waiting). */
  onArrival: (() => void) | null = null;

  ask<T>(run: (c: pg.ClientBase) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
      this.onArrival?.();
    });
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  async serve(client: pg.ClientBase): Promise<void> {
    while (this.queue.length > 0) {
      const r = this.queue.shift()!;
      try {
        r.resolve(await r.run(client));
      } catch (e) {
        r.reject(e);
      }
    }
  }
}

/** Writes the questions and predictions of `files` for run `runId`. Throws NotAllStored to hand over. */
export async function importDirect(
  client: pg.ClientBase,
  args: {
    benchmarkId: number;
    runId: number;
    files: PlannedFile[];
    read: ReadOptions;
    tally: ReadTally;
    keepRows?: boolean;
    side?: SideConnection | null;
  },
): Promise<DirectResult> {
  const { benchmarkId, runId, files } = args;
  await client.query(`LOCK TABLE "Question" IN SHARE ROW EXCLUSIVE MODE`);
  const bulk = await enterBulkMode(client);
  if (bulk) await client.query(`SELECT 1 FROM "Benchmark" WHERE "id" = $1 FOR KEY SHARE`, [benchmarkId]);

  // The producer's reads: on the side connection, or asked of this one between COPYs — also when the side connection
  // cannot be opened (say the role's or the server's connection limit is reached): slower, but the import goes on.
  // It connects now, while the first rows are parsed and read, so that it is ready once the first prediction COPY
  // runs. Closed in the finally below, whatever happens (nothing in between can throw).
  const opened = args.side ? args.side().catch(() => null) : null;
  const requests = new ConnectionRequests();
  // Until the first prediction COPY starts, this connection is idle and warm: the producer's first read (the first
  // language's questions, which that COPY waits for) is served here, not by the side connection's new backend, which
  // still has its first catalog lookups to do. Stored-question imports took 3.52–3.73 s this way against 3.57–3.85 s
  // (six each, alternating).
  let copying = false;
  const read = async <T>(run: (c: pg.ClientBase, own: boolean) => Promise<T>): Promise<T> => {
    if (opened && copying) {
      const side = await opened;
      if (side) return run(side, false);
    }
    return requests.ask((c) => run(c, true));
  };

  // Producer: parse, look up, assign ids, encode; runs ahead of the writer (ReadAhead) up to READ_AHEAD_BYTES.
  const languages = new Map<string, StoredQuestions>();
  const kept = args.keepRows ? new RunRows() : null;
  const writer = new BinaryRowWriter();
  let nextId = 0;
  let endId = 0;
  let blockSize = MIN_ID_BLOCK;
  async function* items(): AsyncGenerator<Item> {
    for await (const { fileIdx, records } of recordBatches(files, args.read, args.tally)) {
      const firstSeen: string[] = [];
      for (let i = 0; i < records.length; i++) {
        const code = records[i].language;
        if ((i === 0 || code !== records[i - 1].language) && !languages.has(code)) {
          const q = await read((c) => loadStoredQuestions(c, benchmarkId, code));
          languages.set(code, q);
          // Stored questions keep their language's row (see Locks above): only a language without any is ensured
          // and locked, which pauses the prediction COPY.
          if (q.stored === 0) firstSeen.push(code);
        }
      }
      // Look every row up (and check it); rows whose question this import creates get an entry now, an id below.
      const of = new Array<StoredQuestions>(records.length);
      const at = new Int32Array(records.length);
      const fresh: number[] = [];
      let q: StoredQuestions | undefined;
      for (let i = 0; i < records.length; i++) {
        const rec = records[i];
        if (q === undefined || rec.language !== records[i - 1].language) q = languages.get(rec.language)!;
        let k = q.find(rec.externalId);
        if (k < 0) {
          k = q.add(rec.externalId, 0, rec.optionCount, rec.gold ?? -1);
          fresh.push(i);
        } else check(q, k, rec, fileIdx, files);
        q.firstFile[k] = fileIdx + 1;
        q.firstLine[k] = rec.line;
        of[i] = q;
        at[i] = k;
      }
      // New questions take ids from blocks reserved on the sequence (growing: a few new questions waste few ids,
      // many need few reservations).
      if (fresh.length > endId - nextId) {
        const n = Math.max(fresh.length, blockSize);
        blockSize = Math.min(blockSize * 2, MAX_ID_BLOCK);
        nextId = await read((c, own) => reserveQuestionIds(c, n, own));
        endId = nextId + n;
      }
      let questions = "";
      for (const i of fresh) {
        of[i].ids[at[i]] = nextId;
        questions += questionLine(nextId++, benchmarkId, records[i]);
      }
      const questionBytes = questions === "" ? NO_BYTES : Buffer.from(questions);
      for (let i = 0; i < records.length; i++) {
        const rec = records[i];
        kept?.add(of[i], at[i], rec);
        writer
          .row(7)
          .int4(runId)
          .int4(of[i].ids[at[i]])
          .float8Array(rec.probs)
          .float8Array(rec.logLikelihoods)
          .int4(rec.predicted)
          .float8(rec.confidence)
          .bool(rec.correct);
      }
      const item: Item = { predictions: writer.take(), questions: questionBytes, questionRows: fresh.length, languages: firstSeen };
      // The batch is encoded: drop its records now. This generator (and the readers' generators above it, which hold
      // the same array) stays suspended here while the read-ahead is full, and records still referenced then survive
      // young-generation GCs and are promoted — up to 1.9 MB per scavenge against 59 KB once dropped (bench:ingest's
      // stored-question import, --trace-gc-nvp).
      records.length = 0;
      of.length = 0;
      questions = "";
      yield item;
    }
  }
  const source = new ReadAhead(items()[Symbol.asyncIterator](), (it) => it.predictions.length + it.questions.length, READ_AHEAD_BYTES);

  // Writer: this connection. One prediction COPY runs for as long as items need nothing else from the connection, so
  // Postgres always has the next rows queued. It ends at an item with a language that stores no question of the
  // benchmark (its Language row first), at new questions when the FK triggers run (questions before their
  // predictions), when the pending questions reach PENDING_QUESTIONS rows or PENDING_QUESTION_BYTES, and when the
  // producer asks for this connection.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let pendingRows = 0;
  let created = 0;
  const newLanguages: string[] = [];
  const writeQuestions = async (): Promise<void> => {
    if (pendingRows === 0) return;
    const text = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    pendingRows = 0;
    created += await copyBuffer(client, QUESTION_COPY_SQL, text);
  };
  const questionsFull = () => pendingRows >= PENDING_QUESTIONS || pendingBytes >= PENDING_QUESTION_BYTES;
  const needsConnection = (it: Item) => it.languages.length > 0 || (!bulk && it.questionRows > 0);
  const absorb = (it: Item): void => {
    if (it.questionRows > 0) {
      pending.push(it.questions);
      pendingBytes += it.questions.length;
    }
    pendingRows += it.questionRows;
    it.questions = NO_BYTES;
    it.questionRows = 0;
  };
  const REQUEST = Symbol("request");
  let nextItem: Promise<IteratorResult<Item>> | null = null;
  const next = async (): Promise<Item | null | typeof REQUEST> => {
    nextItem ??= source.next();
    const item = nextItem;
    // Whichever comes first: the item, or a request of the producer (which then waits for this connection). One
    // callback slot rather than Promise.race on a long-lived promise, which would keep a reaction per call.
    const arrived = requests.pending || (await new Promise<boolean>((resolve) => {
      requests.onArrival = () => resolve(true);
      item.then(() => resolve(false), () => resolve(false));
    }));
    requests.onArrival = null;
    if (arrived) return REQUEST;
    const r = await nextItem;
    nextItem = null;
    return r.done ? null : r.value;
  };

  let held: Item | null = null;
  let finished = false;
  async function* predictionChunks(): AsyncGenerator<Buffer> {
    yield COPY_BINARY_HEADER;
    for (;;) {
      yield held!.predictions;
      held = null;
      if (questionsFull()) break;
      const it = await next();
      if (it === REQUEST) break;
      if (it === null) {
        finished = true;
        break;
      }
      held = it;
      if (needsConnection(it)) break;
      absorb(it);
    }
    yield COPY_BINARY_TRAILER;
  }

  let written = 0;
  try {
    for (;;) {
      await requests.serve(client);
      if (held === null) {
        if (finished) break;
        const it = await next();
        if (it === REQUEST) continue;
        if (it === null) break;
        held = it;
      }
      if (held.languages.length > 0) {
        // Before any row of theirs: with the triggers on, the FK check needs them; with them off, the lock the
        // triggers would have taken.
        newLanguages.push(...(await ensureLanguages(client, held.languages)));
        if (bulk) await client.query(`SELECT 1 FROM "Language" WHERE "code" = ANY($1::text[]) ORDER BY "code" FOR KEY SHARE`, [held.languages]);
        held.languages = [];
      }
      absorb(held);
      if (!bulk || questionsFull()) await writeQuestions();
      copying = true;
      written += await copyRows(client, PREDICTION_COPY_SQL, predictionChunks());
    }
    await writeQuestions();
  } finally {
    source.stop();
    // The producer may still be reading on it (an error ended the import): ending it fails that read, which is moot.
    if (opened) await opened.then((c) => c?.end()).catch(() => undefined);
  }
  if (bulk) await leaveBulkMode(client);
  return { predictions: written, questionsCreated: created, newLanguages: newLanguages.sort(), rows: kept?.finish(runId) ?? null };
}

/**
 * A block of n consecutive ids from the question id sequence; returns the first. Other writers of "Question" wait
 * for this import's table lock, so nothing else draws from the sequence between the two calls; should something
 * still do, the primary key refuses the overlap and the import fails whole.
 */
async function reserveQuestionIds(client: pg.ClientBase, n: number, inTransaction: boolean): Promise<number> {
  // In the import's transaction a failed statement would abort it: a savepoint keeps the hand-over possible.
  if (inTransaction) await client.query("SAVEPOINT reserve_ids");
  try {
    const r = await client.query<{ last: string }>(
      `SELECT setval('"Question_id_seq"', nextval('"Question_id_seq"') + $1 - 1) AS last`,
      [n],
    );
    if (inTransaction) await client.query("RELEASE SAVEPOINT reserve_ids");
    return Number(r.rows[0].last) - n + 1;
  } catch (e) {
    if ((e as { code?: string }).code !== "42501") throw e; // insufficient privilege
    if (inTransaction) await client.query("ROLLBACK TO SAVEPOINT reserve_ids");
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
