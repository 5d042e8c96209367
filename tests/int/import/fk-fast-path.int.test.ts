import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freshDatabase, type TestDatabase } from "../../support/db";
import { enterBulkMode, leaveBulkMode, lockReferencedRows } from "../../../lib/import/write/fk-fast-path";
import { importFiles } from "../../../lib/import/import-files";
import { createStage, encodeRecord, STAGE, STAGE_COPY_SQL } from "../../../lib/import/write/stage";
import { copyRows } from "../../../lib/import/write/copy-writer";
import { snapshot } from "../../support/db-snapshot";
import { fixture, tempFile } from "../../support/import-helpers";

let db: TestDatabase;
let admin: pg.Client;
const role = `atlas_importer_${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  db = await freshDatabase("fkpath");
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw' NOSUPERUSER`);
  await admin.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
  await admin.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  await admin.query(`GRANT TEMP ON DATABASE "${db.name}" TO ${role}`);
});

afterAll(async () => {
  if (!db) return;
  await admin?.query(`DROP OWNED BY ${role}`).catch(() => undefined);
  await admin?.end();
  await db.drop();
  const c = new pg.Client({ connectionString: db.url.replace(/\/[^/]*$/, "/postgres") });
  await c.connect();
  await c.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await c.end();
});

describe("FK triggers vs the bulk fast path", () => {
  it("a role that may not skip triggers imports through the ordinary FK triggers, with the same result", async () => {
    const url = new URL(db.url);
    url.username = role;
    url.password = "pw";
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query("BEGIN");
      expect(await enterBulkMode(client)).toBe(false);
      await client.query("ROLLBACK");
      const r = await importFiles({
        db: client,
        files: [fixture("scores")],
        model: "Plain",
        benchmark: "FK",
      });
      expect(r.predictions).toBe(18);
      // Duplicates and failures behave the same on this path.
      const before = await snapshot(admin);
      const dup = `{"id":"d","language":"en","probs":[0.5,0.5],"label":0}\n`;
      await expect(
        importFiles({
          db: client,
          files: [tempFile("dup.jsonl", dup + dup)],
          model: "Plain",
          benchmark: "FK",
        }),
      ).rejects.toMatchObject({
        where: { file: "dup.jsonl", line: 2, field: "id" },
      });
      expect(await snapshot(admin)).toEqual(before);
    } finally {
      await client.end();
    }
    // The superuser's fast path stores identical rows for the same input under another model.
    const fast = await importFiles({ db: admin, files: [fixture("scores")], model: "Fast", benchmark: "FK" });
    const rows = await admin.query(
      `SELECT m.name, q."externalId", q."languageCode", p.probs, p.predicted, p.correct FROM "Prediction" p
         JOIN "Run" r ON r.id = p."runId" JOIN "Model" m ON m.id = r."modelId" JOIN "Question" q ON q.id = p."questionId"
        ORDER BY q."languageCode", q."externalId", m.name`,
    );
    const by = (name: string) =>
      rows.rows.filter((x) => x.name === name).map(({ name: _n, ...rest }) => rest);
    expect(by("Fast")).toEqual(by("Plain"));
    expect(fast.questionsCreated).toBe(0);
  });

  /** Opens an import-like transaction in bulk mode with its staging table; returns the stored question en/q1. */
  async function beginBulkImport(): Promise<{ id: number; benchmarkId: number }> {
    const q = (
      await admin.query<{ id: number; benchmarkId: number }>(
        `SELECT id, "benchmarkId" FROM "Question" WHERE "externalId" = 'q1' AND "languageCode" = 'en'`,
      )
    ).rows[0];
    await admin.query("BEGIN");
    expect(await enterBulkMode(admin)).toBe(true);
    await createStage(admin);
    return q;
  }

  it("a large import locks the question table instead: deletes, others' inserts and large imports wait; FK checks and reads do not", async () => {
    const q = await beginBulkImport();
    vi.stubEnv("ATLAS_IMPORT_TABLE_LOCK_ROWS", "1");
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await lockReferencedRows(admin, q.benchmarkId, ["en"], STAGE, 1);
      await other.query(`SET lock_timeout = '300ms'`);
      await expect(other.query(`DELETE FROM "Question" WHERE id = $1`, [q.id])).rejects.toMatchObject({ code: "55P03" });
      await expect(
        other.query(`INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "optionCount") VALUES ($1, 'en', 'new-q', 4)`, [q.benchmarkId]),
      ).rejects.toMatchObject({ code: "55P03" });
      // A second large import waits for this one rather than deadlocking later.
      await other.query("BEGIN");
      await expect(other.query(`LOCK TABLE "Question" IN SHARE ROW EXCLUSIVE MODE`)).rejects.toMatchObject({ code: "55P03" });
      await other.query("ROLLBACK");
      // What a prediction's FK check does, and a plain read, go through.
      await other.query("BEGIN");
      expect((await other.query(`SELECT 1 FROM "Question" WHERE id = $1 FOR KEY SHARE`, [q.id])).rowCount).toBe(1);
      await other.query("ROLLBACK");
      expect((await other.query(`SELECT count(*) FROM "Question"`)).rowCount).toBe(1);
    } finally {
      vi.unstubAllEnvs();
      await other.end();
      await leaveBulkMode(admin);
      await admin.query("ROLLBACK");
    }
  });

  it("in bulk mode, referenced rows are locked as the FK triggers would lock them", async () => {
    const q = await beginBulkImport();
    const rec = {
      line: 1,
      language: "en",
      externalId: "q1",
      subject: null,
      text: null,
      options: [],
      optionCount: 4,
      gold: 0,
      probs: [1, 0, 0, 0],
      logLikelihoods: null,
      predicted: 0,
      confidence: 1,
      correct: true,
    };
    await copyRows(
      admin,
      STAGE_COPY_SQL,
      (async function* () {
        yield encodeRecord(rec, 0);
      })(),
    );
    await lockReferencedRows(admin, q.benchmarkId, ["en"], STAGE);
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query(`SET lock_timeout = '300ms'`);
      await expect(other.query(`DELETE FROM "Question" WHERE id = $1`, [q.id])).rejects.toMatchObject({
        code: "55P03",
      });
      await expect(
        other.query(`DELETE FROM "Benchmark" WHERE id = $1`, [q.benchmarkId]),
      ).rejects.toMatchObject({ code: "55P03" });
      await expect(other.query(`DELETE FROM "Language" WHERE code = 'en'`)).rejects.toMatchObject({
        code: "55P03",
      });
    } finally {
      await other.end();
      await leaveBulkMode(admin);
      await admin.query("ROLLBACK");
    }
  });
});
