/**
 * The import's staging table: every parsed row (question key + prediction) is COPY'd into a TEMP
 * table first, so all validation that needs the whole input or the database (duplicate ids, clashes
 * with stored questions) happens before a single real row is written, and the real writes are two
 * set-based INSERT … SELECT statements. The table lives in the import transaction (ON COMMIT DROP).
 */
import type pg from "pg";
import { copyBool, copyFloatArray, copyInt, copyText } from "./copy-writer";
import { insertPredictionsSql, type OnConflict } from "./prediction-sql";
import type { ImportRecord } from "../read/record";

export const STAGE = "atlas_import_stage";

/**
 * Temp tables live in per-session local buffers (temp_buffers, default 8 MB), so a 1M-row stage would
 * spill to disk page by page; raising it is allowed only before the session first touches a temp table,
 * hence the attempt here, outside the transaction, ignored when too late. Memory is used on demand and
 * freed when the connection closes.
 */
export async function enlargeTempBuffers(client: pg.ClientBase): Promise<void> {
  await client.query(`SET temp_buffers = '256MB'`).catch(() => undefined);
}

export async function createStage(client: pg.ClientBase): Promise<void> {
  await client.query(`CREATE TEMP TABLE ${STAGE} (
    file_idx int NOT NULL, line int NOT NULL, lang text NOT NULL, ext_id text NOT NULL,
    subject text, qtext text, options jsonb NOT NULL, option_count int NOT NULL, gold int,
    probs float8[] NOT NULL, ll float8[], predicted int NOT NULL, confidence float8 NOT NULL, correct boolean NOT NULL,
    scat text, cult text, src text
  ) ON COMMIT DROP`);
}

export const STAGE_COPY_SQL = `COPY ${STAGE} FROM STDIN`;

const EMPTY_OPTIONS = "[]";

/** One staging row in COPY text format. */
export function encodeRecord(r: ImportRecord, fileIdx: number): string {
  const options = r.options.length === 0 ? EMPTY_OPTIONS : copyText(JSON.stringify(r.options));
  return (
    `${fileIdx}\t${r.line}\t${copyText(r.language)}\t${copyText(r.externalId)}\t${copyText(r.subject)}\t${copyText(r.text)}\t` +
    `${options}\t${r.optionCount}\t${copyInt(r.gold)}\t${copyFloatArray(r.probs)}\t${copyFloatArray(r.logLikelihoods)}\t` +
    `${r.predicted}\t${r.confidence}\t${copyBool(r.correct)}\t` +
    `${copyText(r.slice?.subjectCategory)}\t${copyText(r.slice?.culturalLabel)}\t${copyText(r.slice?.src)}\n`
  );
}

export interface StagedRow {
  fileIdx: number;
  line: number;
  lang: string;
  extId: string;
}

export interface QuestionClash extends StagedRow {
  storedOptionCount: number;
  optionCount: number;
  storedGold: number | null;
  gold: number | null;
}

/** First staged row whose question is already stored with another option count or gold label. */
export async function findQuestionClash(
  client: pg.ClientBase,
  benchmarkId: number,
): Promise<QuestionClash | null> {
  const r = await client.query<QuestionClash>(
    `SELECT s.file_idx AS "fileIdx", s.line, s.lang, s.ext_id AS "extId",
            q."optionCount" AS "storedOptionCount", s.option_count AS "optionCount", q.gold AS "storedGold", s.gold
       FROM ${STAGE} s
       JOIN "Question" q ON q."benchmarkId" = $1 AND q."languageCode" = s.lang AND q."externalId" = s.ext_id
      WHERE q."optionCount" <> s.option_count OR (q.gold IS NOT NULL AND s.gold IS NOT NULL AND q.gold <> s.gold)
      ORDER BY s.file_idx, s.line LIMIT 1`,
    [benchmarkId],
  );
  return r.rows[0] ?? null;
}

const QUESTION_COLUMNS = `"benchmarkId", "languageCode", "externalId", "subject", "text", "options", "optionCount", "gold", "subjectCategory", "culturalLabel", "src"`;

/**
 * Creates the questions not stored yet (an anti-join: a plain INSERT is about twice as fast as
 * ON CONFLICT's speculative insertion). Existing questions are reused untouched.
 */
export async function insertNewQuestions(client: pg.ClientBase, benchmarkId: number): Promise<number> {
  const r = await client.query(
    `INSERT INTO "Question" (${QUESTION_COLUMNS})
     SELECT $1::int, s.lang, s.ext_id, s.subject, s.qtext, s.options, s.option_count, s.gold, s.scat, s.cult, s.src FROM ${STAGE} s
      WHERE NOT EXISTS (SELECT 1 FROM "Question" q WHERE q."benchmarkId" = $1 AND q."languageCode" = s.lang AND q."externalId" = s.ext_id)`,
    [benchmarkId],
  );
  return r.rowCount ?? 0;
}

/**
 * The same with ON CONFLICT DO NOTHING: tolerates duplicate ids in the input (reported later, from the
 * predictions' primary key) and questions created concurrently by another transaction.
 */
export async function insertQuestionsTolerant(client: pg.ClientBase, benchmarkId: number): Promise<number> {
  const r = await client.query(
    `INSERT INTO "Question" (${QUESTION_COLUMNS})
     SELECT $1::int, lang, ext_id, subject, qtext, options, option_count, gold, scat, cult, src FROM ${STAGE}
     ON CONFLICT ("benchmarkId", "languageCode", "externalId") DO NOTHING`,
    [benchmarkId],
  );
  return r.rowCount ?? 0;
}

export async function insertStagedPredictions(
  client: pg.ClientBase,
  runId: number,
  benchmarkId: number,
  onConflict: OnConflict,
): Promise<number> {
  const source = `SELECT q.id, s.probs, s.ll, s.predicted, s.confidence, s.correct
    FROM ${STAGE} s JOIN "Question" q ON q."benchmarkId" = $2 AND q."languageCode" = s.lang AND q."externalId" = s.ext_id`;
  const r = await client.query(insertPredictionsSql(source, onConflict), [runId, benchmarkId]);
  return r.rowCount ?? 0;
}

export interface Duplicate extends StagedRow {
  firstFileIdx: number;
  firstLine: number;
}

/** The first row whose (language, id) already appeared earlier in the import. */
export async function findDuplicate(client: pg.ClientBase): Promise<Duplicate | null> {
  const r = await client.query<Duplicate>(
    `SELECT "fileIdx", line, lang, "extId", "firstFileIdx", "firstLine" FROM (
       SELECT file_idx AS "fileIdx", line, lang, ext_id AS "extId",
              first_value(file_idx) OVER w AS "firstFileIdx", first_value(line) OVER w AS "firstLine",
              row_number() OVER w AS rn
         FROM ${STAGE} WINDOW w AS (PARTITION BY lang, ext_id ORDER BY file_idx, line)
     ) d WHERE rn = 2 ORDER BY "fileIdx", line LIMIT 1`,
  );
  return r.rows[0] ?? null;
}
