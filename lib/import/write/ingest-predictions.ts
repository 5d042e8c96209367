/**
 * Low-level bulk writer for predictions of existing questions (the ONNX worker's path): rows are
 * COPY'd into a temporary staging table, then moved with one INSERT … SELECT … ON CONFLICT DO NOTHING,
 * so writing the same language split twice inserts nothing the second time. Runs on the caller's
 * client; call it inside the caller's transaction to make it all-or-nothing.
 */
import type pg from "pg";
import { AtlasError } from "../../errors";
import { copyBool, copyFloatArray, copyRows } from "./copy-writer";
import { decide } from "../read/numbers";
import { insertPredictionsSql, type OnConflict } from "./prediction-sql";

export interface PredictionRow {
  questionId: number;
  probs: number[];
  logLikelihoods?: number[] | null;
  predicted: number;
  confidence: number;
  correct: boolean;
}

/** Builds a row from per-option probabilities and the question's gold index. */
export function predictionRow(
  questionId: number,
  probs: number[],
  gold: number,
  logLikelihoods: number[] | null = null,
): PredictionRow {
  const { predicted, confidence } = decide(probs);
  return { questionId, probs, logLikelihoods, predicted, confidence, correct: predicted === gold };
}

export interface IngestOptions {
  /** "ignore" (default): existing (runId, questionId) rows are kept; "error": a duplicate fails the statement. */
  onConflict?: OnConflict;
}

export interface IngestResult {
  /** Rows received. */
  staged: number;
  /** Rows written (staged minus those already present, with onConflict "ignore"). */
  inserted: number;
}

const STAGE = "atlas_prediction_stage";
const BATCH_CHARS = 256 * 1024;

export async function ingestPredictions(
  client: pg.ClientBase,
  runId: number,
  rows: AsyncIterable<PredictionRow> | Iterable<PredictionRow>,
  opts: IngestOptions = {},
): Promise<IngestResult> {
  // DROP first: a session that failed outside a transaction may have left the table behind.
  await client.query(`DROP TABLE IF EXISTS ${STAGE}`);
  await client.query(
    `CREATE TEMP TABLE ${STAGE} (question_id int NOT NULL, probs float8[] NOT NULL, ll float8[], predicted int NOT NULL, confidence float8 NOT NULL, correct boolean NOT NULL)`,
  );
  const staged = await copyRows(client, `COPY ${STAGE} FROM STDIN`, encode(rows));
  const res = await client.query(
    insertPredictionsSql(
      `SELECT question_id, probs, ll, predicted, confidence, correct FROM ${STAGE}`,
      opts.onConflict ?? "ignore",
    ),
    [runId],
  );
  await client.query(`DROP TABLE ${STAGE}`);
  return { staged, inserted: res.rowCount ?? 0 };
}

async function* encode(rows: AsyncIterable<PredictionRow> | Iterable<PredictionRow>): AsyncGenerator<string> {
  let buf = "";
  for await (const r of rows) {
    check(r);
    buf += `${r.questionId}\t${copyFloatArray(r.probs)}\t${copyFloatArray(r.logLikelihoods)}\t${r.predicted}\t${r.confidence}\t${copyBool(r.correct)}\n`;
    if (buf.length >= BATCH_CHARS) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}

/** Postgres accepts NaN/Infinity in float8, so they must be stopped here. */
function check(r: PredictionRow): void {
  const bad = (why: string) =>
    new AtlasError("BAD_INPUT", `prediction for question ${r.questionId}: ${why}`, { field: "probs" });
  if (!Number.isInteger(r.questionId)) throw bad("questionId must be an integer");
  if (r.probs.length === 0) throw bad("no probabilities");
  for (const p of r.probs) if (!Number.isFinite(p) || p < 0) throw bad(`invalid probability ${p}`);
  if (r.logLikelihoods)
    for (const x of r.logLikelihoods) if (!Number.isFinite(x)) throw bad(`non-finite log-likelihood ${x}`);
  if (!Number.isInteger(r.predicted) || r.predicted < 0 || r.predicted >= r.probs.length)
    throw bad(`predicted ${r.predicted} out of range`);
  if (!Number.isFinite(r.confidence)) throw bad(`non-finite confidence`);
}
