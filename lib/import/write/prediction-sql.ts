/**
 * The one statement that moves staged predictions into "Prediction", shared by the file importer and
 * the worker (ingestPredictions). `ignore` makes re-delivery of a language split idempotent on the
 * primary key (runId, questionId); `error` lets the importer detect duplicate ids in its input.
 */
export type OnConflict = "error" | "ignore";

/**
 * `source` must be a SELECT yielding, in order: questionId, probs, logLikelihoods, predicted,
 * confidence, correct; `$1` is the run id.
 */
export function insertPredictionsSql(source: string, onConflict: OnConflict): string {
  return `INSERT INTO "Prediction" ("runId", "questionId", "probs", "logLikelihoods", "predicted", "confidence", "correct")
SELECT $1::int, src.* FROM (${source}) AS src
${onConflict === "ignore" ? `ON CONFLICT ("runId", "questionId") DO NOTHING` : ""}`;
}
