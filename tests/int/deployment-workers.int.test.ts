/**
 * The deployment users grow into (docs/deployment.md): one Postgres, the web app, and N workers elsewhere, all on
 * the same DATABASE_URL, each worker taking splits from the shared queue. Here: two `npm run worker` processes and
 * one whole benchmark split set — 42 languages (GlobalMMLU's count) × 12 questions each, sized for CI time with the
 * tiny fixture model. Every split is done exactly once (one finished job per split, across both workers, none
 * retried), none is lost (all 42 completed with all their predictions), and both workers took part.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { until } from "../support/fault-cluster";
import { startWorkerProcess, writeGlobalMmluDataset, type WorkerProcess } from "../support/worker-process";

const root = path.resolve(import.meta.dirname, "../..");
process.env.ATLAS_MODELS_DIR = path.join(root, "tests/fixtures/models");
const DATA = path.join(root, "test-results", "deployment-globalmmlu");
const LANGUAGES = 42;
const QUESTIONS = 12;

let db: TestDatabase;
let pool: import("pg").Pool;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  db = await freshDatabase("deployment");
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  const { registerModel } = await import("../../cli/commands/register-model");
  await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  await (await import("../../workers/queue/boss")).stopBosses();
  await pool?.end();
  await db?.drop();
  rmSync(DATA, { recursive: true, force: true });
});

describe("two workers on one queue", () => {
  it("share a 42-language benchmark: no split done twice, none lost", async () => {
    const codes = (await pool.query<{ code: string }>(`SELECT "code" FROM "Language" ORDER BY "code" LIMIT $1`, [LANGUAGES])).rows.map((r) => r.code);
    expect(codes.length).toBe(LANGUAGES);
    writeGlobalMmluDataset(DATA, codes, QUESTIONS);
    // Slow each batch a little so that both workers are busy at once, as on real models.
    for (let i = 0; i < 2; i++) workers.push(await startWorkerProcess(db.url, { ATLAS_WORKER_THROTTLE_MS: "150" }));

    const { planEvaluation } = await import("../../workers/evaluation/plan");
    const { evaluationRequestSchema } = await import("../../workers/evaluation/request");
    const plan = await planEvaluation(pool, db.url, evaluationRequestSchema.parse({ model: "tiny-gpt2", benchmark: "GlobalMMLU", data: DATA, method: "letter", batchSize: 4 }));
    expect(plan.enqueued).toBe(LANGUAGES);
    const status = async () =>
      (await pool.query<{ status: string }>(`SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`, [plan.runId])).rows[0].status;
    await until(async () => ["completed", "failed"].includes(await status()), 240_000, "the run to finish");
    expect(await status()).toBe("completed");

    // None lost: every split completed with all its predictions.
    const splits = await pool.query<{ language: string; status: string; n: number; jobId: string }>(
      `SELECT s."languageCode" AS language, s."status"::text AS status, s."jobId",
              (SELECT count(*)::int FROM "Prediction" p JOIN "Question" q ON q."id" = p."questionId"
               WHERE p."runId" = s."runId" AND q."languageCode" = s."languageCode") AS n
       FROM "RunSplit" s WHERE s."runId" = $1 ORDER BY 1`,
      [plan.runId],
    );
    expect(splits.rows.length).toBe(LANGUAGES);
    for (const s of splits.rows) expect([s.language, s.status, s.n]).toEqual([s.language, "completed", QUESTIONS]);

    // Done once: one finished job per split across both workers, no job retried or finished twice.
    await until(() => workers.reduce((k, w) => k + w.doneJobs().length, 0) >= LANGUAGES, 10_000, "the workers' done lines");
    const done = workers.flatMap((w) => w.doneJobs());
    expect(done.length).toBe(LANGUAGES);
    expect(new Set(done).size).toBe(LANGUAGES);
    expect(new Set(done)).toEqual(new Set(splits.rows.map((s) => s.jobId)));
    const retried = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE id = ANY($1::uuid[]) AND (retry_count > 0 OR state <> 'completed')`,
      [done],
    );
    expect(retried.rows[0].n).toBe(0);
    // Both took part.
    for (const w of workers) expect(w.doneJobs().length, w.output().slice(-2000)).toBeGreaterThan(0);
  });
});
