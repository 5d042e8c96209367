/**
 * Who owns a split (workers/jobs/split-liveness.ts): a cancel that lands between the job loading its run and
 * claiming the split wins; a worker SIGKILLed mid-split stops heartbeating, and its split is queued again and
 * finished by another worker within the stale window — long before pg-boss's job expiry (left at its 4-hour
 * default here, so the heartbeat is the only way back) — with no duplicate or missing prediction.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { waitFor } from "../support/wait-for";

const root = path.resolve(__dirname, "../..");
const DATA = path.join(root, "tests/fixtures/datasets/globalmmlu/jsonl");
const STALE_S = 3;
process.env.ATLAS_MODELS_DIR = path.join(root, "tests/fixtures/models");
process.env.ATLAS_SPLIT_STALE_S = String(STALE_S);
delete process.env.ATLAS_JOB_EXPIRE_S;

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase("split_liveness");
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  const { registerModel } = await import("../../cli/commands/register-model");
  await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
});

afterAll(async () => {
  await (await import("../../workers/queue/boss")).stopBosses();
  await pool?.end();
  await db?.drop();
});

async function plan(language: string) {
  const { planEvaluation } = await import("../../workers/evaluation/plan");
  const { evaluationRequestSchema } = await import("../../workers/evaluation/request");
  const req = evaluationRequestSchema.parse({
    model: "tiny-gpt2",
    benchmark: "GlobalMMLU",
    data: DATA,
    languages: [language],
    method: "letter",
    batchSize: 1,
  });
  return planEvaluation(pool, db.url, req);
}

const split = async (runId: number) =>
  (
    await pool.query<{ status: string; done: number; total: number; jobId: string | null }>(
      `SELECT "status"::text AS status, "done", "total", "jobId" FROM "RunSplit" WHERE "runId" = $1`,
      [runId],
    )
  ).rows[0];

describe("split ownership", () => {
  it("a cancel between loading the run and claiming the split stays cancelled", async () => {
    const p = await plan("ru");
    const { cancelRun } = await import("../../lib/db/runs");
    const { default: evaluateSplitJob } = await import("../../workers/jobs/evaluate-split");
    // The cancel arrives from another connection right before the job's claim (after its loadRun).
    const other = new pg.Pool({ connectionString: db.url, max: 1 });
    const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
    let cancelled = false;
    (pool as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = async (...a: unknown[]) => {
      if (!cancelled && typeof a[0] === "string" && a[0].includes(`SET "status" = 'running', "jobId"`)) {
        cancelled = true;
        await cancelRun(other, p.runId);
      }
      return query(...a);
    };
    try {
      await evaluateSplitJob(
        { runId: p.runId, language: "ru", batchSize: 1 },
        {
          jobId: "00000000-0000-4000-8000-00000000000a",
          databaseUrl: db.url,
          progress: () => {},
          log: () => {},
          finalAttempt: false,
        },
      );
    } finally {
      (pool as unknown as { query: unknown }).query = query;
      await other.end();
    }
    expect(cancelled).toBe(true);
    expect(await split(p.runId)).toMatchObject({ status: "cancelled", done: 0, jobId: null });
    const run = await pool.query(`SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`, [p.runId]);
    expect(run.rows[0].status).toBe("cancelled");
    const preds = await pool.query(`SELECT count(*)::int AS n FROM "Prediction" WHERE "runId" = $1`, [
      p.runId,
    ]);
    expect(preds.rows[0].n).toBe(0);
  });

  it("a SIGKILLed worker's split is taken over by another worker within the stale window, with no duplicates", async () => {
    const p = await plan("hi");
    const total = p.splits[0].total;
    expect(total).toBeGreaterThanOrEqual(4);
    const spawnWorker = (): ChildProcess =>
      spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          ATLAS_WORKER_THROTTLE_MS: "700",
          ATLAS_SPLIT_STALE_S: String(STALE_S),
          ATLAS_JOB_EXPIRE_S: String(4 * 3600),
        },
        stdio: "ignore",
      });
    const first = spawnWorker();
    const firstJob = (
      await waitFor(
        () => split(p.runId),
        (s) => s.done >= 2,
      )
    ).jobId;
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const killedAt = Date.now();
    const atKill = await split(p.runId);
    expect(atKill.status).toBe("running");
    expect(atKill.done).toBeLessThan(total);

    const second = spawnWorker();
    try {
      // Taken over (a new job owns it) within the stale window plus a reaper tick and start-up.
      const taken = await waitFor(
        () => split(p.runId),
        (s) => s.jobId !== null && s.jobId !== firstJob,
        60_000,
      );
      expect(Date.now() - killedAt).toBeLessThan(60_000);
      expect(taken.status).toBe("running");
      await waitFor(
        () => split(p.runId),
        (s) => s.status === "completed",
        90_000,
      );
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
    }
    const rows = await pool.query<{ n: number; distinct_q: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT "questionId")::int AS distinct_q FROM "Prediction" WHERE "runId" = $1`,
      [p.runId],
    );
    expect(rows.rows[0]).toEqual({ n: total, distinct_q: total });
    expect(await split(p.runId)).toMatchObject({ status: "completed", done: total });
  }, 180_000);
});
