/**
 * Postgres stopped abruptly (`pg_ctl stop -m immediate`) while a worker process scores a split: the worker says so
 * in one line, keeps running, and — once the database is started again (WAL replay) — resumes the same job after
 * the last committed batch, with no manual step: the run completes with every prediction exactly once. Own cluster.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faultCluster, until, type FaultCluster } from "../support/fault-cluster";
import { startWorkerProcess, writeGlobalMmluDataset, type WorkerProcess } from "../support/worker-process";

const root = path.resolve(import.meta.dirname, "../..");
process.env.ATLAS_MODELS_DIR = path.join(root, "tests/fixtures/models");
const DATA = path.join(root, "test-results", "faults-worker-data");
const QUESTIONS = 40;

let cluster: FaultCluster;
let url: string;
let worker: WorkerProcess | null = null;

beforeAll(async () => {
  cluster = await faultCluster(2);
  url = await cluster.database("atlas_faults_worker");
  writeGlobalMmluDataset(DATA, ["de", "sw"], QUESTIONS);
});

afterAll(async () => {
  await worker?.stop();
  await (await import("../../workers/queue/boss")).stopBosses().catch(() => {});
  await (await import("../../lib/db/pool")).endPools().catch(() => {});
  cluster?.stop();
  rmSync(DATA, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => {});
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end().catch(() => {});
  }
}

describe("Postgres stopped during a worker split", () => {
  it("the worker waits, then resumes the split when the database is back; nothing lost or doubled", async () => {
    const { poolFor, endPools } = await import("../../lib/db/pool");
    const pool = poolFor(url);
    const { registerModel } = await import("../../cli/commands/register-model");
    await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
    const { planEvaluation } = await import("../../workers/evaluation/plan");
    const { evaluationRequestSchema } = await import("../../workers/evaluation/request");
    const { stopBosses } = await import("../../workers/queue/boss");
    const plan = await planEvaluation(pool, url, evaluationRequestSchema.parse({ model: "tiny-gpt2", benchmark: "GlobalMMLU", data: DATA, method: "letter", batchSize: 4 }));
    await stopBosses();
    await endPools();

    // Each batch of 4 pauses 300 ms and is written on its own: a split takes seconds.
    worker = await startWorkerProcess(url, { ATLAS_WORKER_THROTTLE_MS: "300" });
    const stored = async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "Prediction" WHERE "runId" = $1`, [plan.runId]))[0].n;
    await until(async () => (await stored()) >= 8, 120_000, "some committed predictions");
    cluster.crash();
    await until(() => /database became unavailable during job/.test(worker!.output()), 30_000, "the worker to notice");
    expect(worker.proc.exitCode).toBeNull(); // still running, waiting
    await new Promise((r) => setTimeout(r, 1500));
    await cluster.start();

    const status = async () => (await query<{ status: string }>(`SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`, [plan.runId]))[0].status;
    await until(async () => ["completed", "failed"].includes(await status()), 180_000, "the run to finish");
    expect(await status(), worker.output().slice(-3000)).toBe("completed");
    expect(worker.output()).toMatch(/the database is back; resuming job/);
    const perLang = await query<{ lang: string; n: number; d: number }>(
      `SELECT q."languageCode" AS lang, count(*)::int AS n, count(DISTINCT q."externalId")::int AS d FROM "Prediction" p
       JOIN "Question" q ON q."id" = p."questionId" WHERE p."runId" = $1 GROUP BY 1 ORDER BY 1`,
      [plan.runId],
    );
    expect(perLang).toEqual([
      { lang: "de", n: QUESTIONS, d: QUESTIONS },
      { lang: "sw", n: QUESTIONS, d: QUESTIONS },
    ]);
    const splits = await query<{ status: string }>(`SELECT "status"::text AS status FROM "RunSplit" WHERE "runId" = $1`, [plan.runId]);
    expect(splits.map((s) => s.status)).toEqual(["completed", "completed"]);
  });
});
