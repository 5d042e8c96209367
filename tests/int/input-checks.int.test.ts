/**
 * The database's own guards (migration 20261202100000_input_checks): rows an importer must never write are refused
 * by CHECK constraints even when written by hand, and the rows every importer writes pass them.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";

let db: TestDatabase;
let client: pg.Client;
let questionId: number;
let runId: number;

beforeAll(async () => {
  db = await freshDatabase("checks");
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const b = await client.query<{ id: number }>(`INSERT INTO "Benchmark" (name, "optionCount") VALUES ('Checks', 4) RETURNING id`);
  const q = await client.query<{ id: number }>(
    `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "optionCount", gold) VALUES ($1, 'de', 'q1', 4, 1) RETURNING id`,
    [b.rows[0].id],
  );
  questionId = q.rows[0].id;
  const m = await client.query<{ id: number }>(`INSERT INTO "Model" (name, family) VALUES ('M', 'F') RETURNING id`);
  const r = await client.query<{ id: number }>(
    `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", status, provenance) VALUES ($1, $2, 'probs', 'completed', 'imported') RETURNING id`,
    [m.rows[0].id, b.rows[0].id],
  );
  runId = r.rows[0].id;
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

async function refused(sql: string, params: unknown[], constraint: string) {
  await client.query("SAVEPOINT s");
  await expect(client.query(sql, params)).rejects.toThrow(new RegExp(`violates check constraint "${constraint}"`));
  await client.query("ROLLBACK TO SAVEPOINT s");
}

describe("CHECK constraints", () => {
  it("refuse out-of-range questions", async () => {
    await client.query("BEGIN");
    const ins = `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "optionCount", gold, options)
                 SELECT "benchmarkId", 'de', $1, $2, $3, $4::jsonb FROM "Question" WHERE id = ${questionId}`;
    await refused(ins, ["a", 1, null, "[]"], "Question_optionCount_range");
    await refused(ins, ["b", 27, null, "[]"], "Question_optionCount_range");
    await refused(ins, ["c", 4, 4, "[]"], "Question_gold_range");
    await refused(ins, ["d", 4, -1, "[]"], "Question_gold_range");
    await refused(ins, ["e", 4, 0, '["a","b"]'], "Question_options_count");
    await refused(ins, ["f", 4, 0, '{"a":1}'], "Question_options_count");
    await refused(ins, ["x".repeat(513), 4, 0, "[]"], "Question_externalId_length");
    await client.query(ins, ["ok", 4, 3, '["a","b","c","d"]']);
    await client.query("ROLLBACK");
  });

  it("refuse out-of-range predictions", async () => {
    await client.query("BEGIN");
    const ins = `INSERT INTO "Prediction" ("runId", "questionId", probs, "logLikelihoods", predicted, confidence, correct)
                 VALUES (${runId}, ${questionId}, $1, $2, $3, $4, false)`;
    await refused(ins, [[1], null, 0, 1], "Prediction_probs_shape");
    await refused(ins, [Array(27).fill(1 / 27), null, 0, 1 / 27], "Prediction_probs_shape");
    await refused(ins, [[1.5, -0.5], null, 0, 1], "Prediction_probs_shape");
    await refused(ins, [["NaN", 0.5], null, 1, 0.5], "Prediction_probs_shape");
    await refused(ins, [[0.5, 0.5], [-1, -2, -3], 0, 0.5], "Prediction_logLikelihoods_length");
    await refused(ins, [[0.5, 0.5], null, 2, 0.5], "Prediction_predicted_range");
    await refused(ins, [[0.5, 0.5], null, 0, 1.5], "Prediction_confidence_range");
    await client.query(ins, [[0.1, 0.2, 0.3, 0.4], [-4, -3, -2, -1], 3, 0.4]);
    await client.query("ROLLBACK");
  });
});
