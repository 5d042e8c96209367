import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../../support/db";
import { AtlasError } from "../../../lib/errors";
import { importFiles } from "../../../lib/import/import-files";
import { ingestPredictions, predictionRow } from "../../../lib/import/write/ingest-predictions";
import { fixture } from "../../support/import-helpers";

let db: TestDatabase;
let client: pg.Client;
let questions: { id: number; gold: number }[];
let runId: number;

beforeAll(async () => {
  db = await freshDatabase("ingest");
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // Questions exist (from an import); the worker writes a second, worker-provenance run over them.
  const imp = await importFiles({
    db: client,
    files: [fixture("scores", "scores.jsonl")],
    model: "M",
    benchmark: "Toy",
  });
  questions = (await client.query(`SELECT id, gold FROM "Question" ORDER BY id`)).rows;
  const r = await client.query(
    `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "provenance", "status")
     SELECT "modelId", "benchmarkId", 'letter', 'worker', 'running' FROM "Run" WHERE id = $1 RETURNING id`,
    [imp.runId],
  );
  runId = r.rows[0].id;
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const rowsFor = (qs: { id: number; gold: number }[]) =>
  qs.map((q) => predictionRow(q.id, [0.1, 0.2, 0.3, 0.4], q.gold, [-2.3, -1.6, -1.2, -0.9]));

describe("ingestPredictions", () => {
  it("writes rows through COPY and is idempotent on (runId, questionId)", async () => {
    await client.query("BEGIN");
    const first = await ingestPredictions(client, runId, rowsFor(questions.slice(0, 4)));
    await client.query("COMMIT");
    expect(first).toEqual({ staged: 4, inserted: 4 });
    // A re-delivered split plus two new rows: only the new ones are written.
    async function* stream() {
      for (const r of rowsFor(questions)) yield r;
    }
    await client.query("BEGIN");
    const second = await ingestPredictions(client, runId, stream());
    await client.query("COMMIT");
    expect(second).toEqual({ staged: 6, inserted: 2 });
    const stored = await client.query(
      `SELECT probs, "logLikelihoods", predicted, confidence, correct FROM "Prediction" WHERE "runId" = $1 ORDER BY "questionId"`,
      [runId],
    );
    expect(stored.rows).toHaveLength(6);
    expect(stored.rows[0]).toEqual({
      probs: [0.1, 0.2, 0.3, 0.4],
      logLikelihoods: [-2.3, -1.6, -1.2, -0.9],
      predicted: 3,
      confidence: 0.4,
      correct: questions[0].gold === 3,
    });
  });

  it("fails on duplicates with onConflict 'error' and rejects non-finite values; the transaction rolls back", async () => {
    const count = async () =>
      (await client.query(`SELECT count(*)::int AS n FROM "Prediction" WHERE "runId" = $1`, [runId])).rows[0]
        .n;
    const before = await count();
    await client.query("BEGIN");
    await expect(
      ingestPredictions(client, runId, rowsFor(questions.slice(0, 1)), { onConflict: "error" }),
    ).rejects.toMatchObject({ code: "23505" });
    await client.query("ROLLBACK");
    await client.query("BEGIN");
    const bad = { ...rowsFor(questions.slice(0, 1))[0], probs: [NaN, 1] };
    await expect(ingestPredictions(client, runId, [bad])).rejects.toBeInstanceOf(AtlasError);
    await client.query("ROLLBACK");
    expect(await count()).toBe(before);
  });
});

describe("importFiles inside the caller's transaction", () => {
  it("uses a savepoint: committed with the caller's transaction, or undone on error without aborting it", async () => {
    await client.query("BEGIN");
    const r = await importFiles({
      db: client,
      files: [fixture("scores", "logits.jsonl")],
      model: "Nested",
      benchmark: "Toy",
    });
    expect(r.predictions).toBe(3);
    // A failing import inside the same transaction leaves the transaction usable and the first import intact.
    await expect(
      importFiles({
        db: client,
        files: [fixture("scores", "logits.jsonl")],
        model: "Nested",
        benchmark: "Toy",
        beta: 0.5,
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const again = await importFiles({
      db: client,
      files: [fixture("scores", "logprobs.jsonl")],
      model: "Nested",
      benchmark: "Toy",
    });
    expect(again.predictions).toBe(2);
    await client.query("ROLLBACK");
    expect(
      (await client.query(`SELECT count(*)::int AS n FROM "Model" WHERE name = 'Nested'`)).rows[0].n,
    ).toBe(0);
    await client.query("BEGIN");
    await importFiles({
      db: client,
      files: [fixture("scores", "logits.jsonl")],
      model: "Nested",
      benchmark: "Toy",
    });
    await client.query("COMMIT");
    expect(
      (
        await client.query(
          `SELECT count(*)::int AS n FROM "Run" r JOIN "Model" m ON m.id = r."modelId" WHERE m.name = 'Nested'`,
        )
      ).rows[0].n,
    ).toBe(1);
  });
});
