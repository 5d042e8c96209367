/**
 * Controlling workers through the database: a NOTIFY from whoever enqueues wakes listening workers (so they
 * need not wait for pg-boss's next poll), and a split cancelled mid-way stops being scored and written.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { waitFor } from "../support/wait-for";

const root = path.resolve(__dirname, "../..");
const DATA = path.join(root, "tests/fixtures/datasets/globalmmlu/jsonl");
// Before the job module loads: every batch pauses (and is written at once), so there is time to cancel.
process.env.ATLAS_MODELS_DIR = path.join(root, "tests/fixtures/models");
process.env.ATLAS_WORKER_THROTTLE_MS = "400";
// The session in its own thread (the CUDA arrangement): the job scores a batch ahead, which cancellation must wait for.
// (worker.int.test.ts covers the in-thread session of the CPU provider.)
process.env.ATLAS_ORT_THREAD = "1";

let db: TestDatabase;
let pool: import("pg").Pool;
let stopBosses: () => Promise<void>;

beforeAll(async () => {
  db = await freshDatabase("worker_control");
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  stopBosses = (await import("../../workers/queue/boss")).stopBosses;
  const { registerModel } = await import("../../cli/commands/register-model");
  await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
});

afterAll(async () => {
  await stopBosses?.();
  await pool?.end();
  await db?.drop();
});

describe("worker control", () => {
  it("a notification of queued jobs reaches a listening worker", async () => {
    const { listenForJobs, notifyJobsQueued } = await import("../../workers/queue/wake");
    const heard: string[] = [];
    const listener = listenForJobs(db.url, (q) => heard.push(q), () => {});
    try {
      // The listener connects in the background: notify until it has heard one.
      await waitFor(async () => {
        await notifyJobsQueued(pool, "evaluate-split");
        return heard.length;
      }, (n) => n > 0);
      expect(heard[0]).toBe("evaluate-split");
    } finally {
      await listener.stop();
    }
  });

  it("a split cancelled while it is scored stops, with what was written kept and nothing written after", async () => {
    const { planEvaluation } = await import("../../workers/evaluation/plan");
    const { evaluationRequestSchema } = await import("../../workers/evaluation/request");
    const { startWorker } = await import("../../workers/worker");
    const { cancelRun } = await import("../../lib/db/runs");
    const req = evaluationRequestSchema.parse({ model: "tiny-gpt2", benchmark: "GlobalMMLU", data: DATA, languages: ["ru"], method: "letter", batchSize: 1 });
    const plan = await planEvaluation(pool, db.url, req);
    const total = plan.splits[0].total;
    expect(total).toBeGreaterThanOrEqual(4);
    const count = async () =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Prediction" WHERE "runId" = $1`, [plan.runId])).rows[0].n;
    const split = async () =>
      (await pool.query<{ status: string; done: number }>(`SELECT "status"::text AS status, "done" FROM "RunSplit" WHERE "runId" = $1`, [plan.runId])).rows[0];

    const worker = await startWorker(db.url, { quiet: true });
    try {
      await waitFor(count, (n) => n >= 1);
      expect(await cancelRun(pool, plan.runId)).toEqual({ splits: 1 });
      // The job sees the cancellation at its next write and ends: the pg-boss job completes.
      await waitFor(
        async () => (await pool.query<{ state: string }>(`SELECT state::text FROM pgboss.job WHERE data->>'runId' = $1`, [String(plan.runId)])).rows[0]?.state,
        (s) => s === "completed",
      );
      const kept = await count();
      expect(kept).toBeGreaterThanOrEqual(1);
      expect(kept).toBeLessThan(total);
      expect(await split()).toEqual({ status: "cancelled", done: kept });
      const run = await pool.query<{ status: string }>(`SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`, [plan.runId]);
      expect(run.rows[0].status).toBe("cancelled");
      await new Promise((r) => setTimeout(r, 1000));
      expect(await count()).toBe(kept);
    } finally {
      await worker.stop();
    }
  });
});
