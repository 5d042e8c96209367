/**
 * The evaluation worker end to end on a real Postgres: register the fixture ONNX model, enqueue a
 * benchmark, let a worker score it (predictions → stats → visible to the heatmap query), both scoring
 * methods; and a worker killed mid-split whose job another worker resumes with no duplicate or
 * missing prediction.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { waitFor } from "../support/wait-for";

const root = path.resolve(__dirname, "../..");
const DATA = path.join(root, "tests/fixtures/datasets/globalmmlu/jsonl");
// Set before the queue and job modules load: fast expiry/maintenance so a dead worker's job comes back in seconds.
process.env.ATLAS_MODELS_DIR = path.join(root, "tests/fixtures/models");
process.env.ATLAS_JOB_EXPIRE_S = "4";
process.env.ATLAS_QUEUE_MAINTENANCE_S = "1";

let db: TestDatabase;
type Mods = {
  pool: import("pg").Pool;
  planEvaluation: typeof import("../../workers/evaluation/plan").planEvaluation;
  startWorker: typeof import("../../workers/worker").startWorker;
  stopBosses: typeof import("../../workers/queue/boss").stopBosses;
  registerModel: typeof import("../../cli/commands/register-model").registerModel;
  getHeatmapData: typeof import("../../lib/db/queries/heatmap").getHeatmapData;
  evaluationRequestSchema: typeof import("../../workers/evaluation/request").evaluationRequestSchema;
};
let m: Mods;

beforeAll(async () => {
  db = await freshDatabase("worker");
  const { poolFor } = await import("../../lib/db/pool");
  m = {
    pool: poolFor(db.url),
    planEvaluation: (await import("../../workers/evaluation/plan")).planEvaluation,
    startWorker: (await import("../../workers/worker")).startWorker,
    stopBosses: (await import("../../workers/queue/boss")).stopBosses,
    registerModel: (await import("../../cli/commands/register-model")).registerModel,
    getHeatmapData: (await import("../../lib/db/queries/heatmap")).getHeatmapData,
    evaluationRequestSchema: (await import("../../workers/evaluation/request")).evaluationRequestSchema,
  };
  await m.registerModel(m.pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
  await m.registerModel(m.pool, { name: "tiny-gpt2-nocache", onnx: "tiny-gpt2-nocache", family: "TinyGPT2NoCache" }, () => {});
});

afterAll(async () => {
  await m?.stopBosses();
  await m?.pool.end();
  await db?.drop();
});

const runStatus = async (runId: number) =>
  (await m.pool.query<{ status: string }>(`SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`, [runId])).rows[0].status;

describe("evaluation worker", () => {
  it.each([
    ["letter", "tiny-gpt2"],
    ["continuation", "tiny-gpt2"],
    ["continuation", "tiny-gpt2-nocache"],
  ] as const)("%s scoring with %s: enqueue → worker → predictions → stats → heatmap", async (method, model) => {
    const req = m.evaluationRequestSchema.parse({ model, benchmark: "GlobalMMLU", data: DATA, languages: ["am", "en", "zh"], method, batchSize: 2 });
    const plan = await m.planEvaluation(m.pool, db.url, req);
    expect(plan.created).toBe(true);
    expect(plan.enqueued).toBe(3);
    const worker = await m.startWorker(db.url, { quiet: true });
    await waitFor(() => runStatus(plan.runId), (s) => s === "completed");
    await worker.stop();

    const preds = await m.pool.query<{ lang: string; n: number; sums: number[] }>(
      `SELECT q."languageCode" AS lang, count(*)::int AS n, array_agg((SELECT sum(x) FROM unnest(p."probs") x)) AS sums
       FROM "Prediction" p JOIN "Question" q ON q."id" = p."questionId" WHERE p."runId" = $1 GROUP BY 1 ORDER BY 1`,
      [plan.runId],
    );
    const totals = Object.fromEntries(plan.splits.map((s) => [s.language, s.total]));
    expect(preds.rows.map((r) => [r.lang, r.n])).toEqual(Object.entries(totals));
    for (const r of preds.rows) for (const s of r.sums) expect(s).toBeCloseTo(1, 6);

    const stats = await m.pool.query(`SELECT "languageCode", "binning", "n" FROM "RunLanguageStats" WHERE "runId" = $1 ORDER BY 1, 2`, [plan.runId]);
    expect(stats.rows).toHaveLength(6);
    const splits = await m.pool.query(`SELECT "status"::text AS status, "done", "total" FROM "RunSplit" WHERE "runId" = $1`, [plan.runId]);
    for (const s of splits.rows) expect(s).toMatchObject({ status: "completed", done: s.total });

    const heat = await m.getHeatmapData(m.pool, { benchmark: "GlobalMMLU", metric: "ece", sources: ["measured"] });
    expect(heat?.columns.map((c) => c.model)).toContain(model);

    // Planning the same evaluation again finds the finished run and enqueues nothing.
    const again = await m.planEvaluation(m.pool, db.url, req);
    expect(again).toMatchObject({ runId: plan.runId, created: false, enqueued: 0 });
  });

  it("a worker killed mid-split is resumed by another with no duplicate or missing prediction", async () => {
    const req = m.evaluationRequestSchema.parse({ model: "tiny-gpt2", benchmark: "GlobalMMLU", data: DATA, languages: ["ru"], method: "letter", batchSize: 1, shots: 1 });
    const plan = await m.planEvaluation(m.pool, db.url, req);
    const total = plan.splits[0].total;
    expect(total).toBeGreaterThanOrEqual(4);

    const spawnWorker = (): ChildProcess =>
      spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: db.url, ATLAS_WORKER_THROTTLE_MS: "1000" },
        stdio: "ignore",
      });
    const done = async () =>
      (await m.pool.query<{ done: number }>(`SELECT "done" FROM "RunSplit" WHERE "runId" = $1`, [plan.runId])).rows[0].done;

    const first = spawnWorker();
    await waitFor(done, (d) => d >= 2);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const atKill = await done();
    expect(atKill).toBeLessThan(total);

    const second = spawnWorker();
    try {
      await waitFor(() => runStatus(plan.runId), (s) => s === "completed", 90_000);
    } finally {
      second.kill("SIGTERM");
    }
    const rows = await m.pool.query<{ n: number; distinct_q: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT "questionId")::int AS distinct_q FROM "Prediction" WHERE "runId" = $1`,
      [plan.runId],
    );
    expect(rows.rows[0]).toEqual({ n: total, distinct_q: total });
  }, 150_000);
});
