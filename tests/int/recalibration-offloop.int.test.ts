/**
 * /recalibration off the event loop: the compute thread gives the numbers of the direct call, identical
 * concurrent requests compute once, a timer on the event loop keeps firing while a computation runs, the status
 * endpoint answers pending → ready, and 503 + Retry-After when the compute queue is full (one thread and one
 * waiting place here).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { type MeasuredFixture, writeMeasuredFixture } from "../support/measured-fixture";

process.env.ATLAS_COMPUTE_THREADS = "1";
process.env.ATLAS_COMPUTE_QUEUE = "1";

let db: TestDatabase;
let fx: MeasuredFixture;
let pool: import("pg").Pool;

beforeAll(async () => {
  db = await freshDatabase("recal-offloop");
  process.env.DATABASE_URL = db.url;
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  // 5 languages × 1,000 questions: 5,000 predictions per run, enough for a computation of a visible duration
  fx = await writeMeasuredFixture(db.url, { languages: ["en", "de", "sw", "am", "zh"], questionsPerLanguage: 1000, tuned: [{ sftDataset: "Alpaca", betas: [0, 0.1] }], resamples: 10 });
}, 240_000);

afterAll(async () => {
  await (await import("../../lib/compute/pool")).computePool().close();
  await pool?.end();
  await db?.drop();
});

const tuned = (beta: number) => fx.models.find((m) => m.sftDataset === "Alpaca" && m.smoothing === beta)!;
const base = () => fx.models.find((m) => m.sftDataset === null)!;
const status = async (model: string, method: string, headers: Record<string, string> = {}) => {
  const { GET } = await import("../../app/recalibration/status/route");
  const q = new URLSearchParams({ benchmark: fx.benchmark, models: model, method });
  return GET(new Request(`http://localhost:3000/recalibration/status?${q}`, { headers: { host: "localhost:3000", ...headers } }));
};

describe("recalibration on the compute thread", () => {
  it("gives the numbers of the direct call, for every method", async () => {
    const { computeRecalibration } = await import("../../lib/db/queries/recalibration-compute");
    const { recalibrateOffThread } = await import("../../lib/compute/recalibration-pool");
    for (const method of ["temperature", "histogram", "isotonic"] as const) {
      const direct = await computeRecalibration(pool, tuned(0).runId, method);
      const threaded = await recalibrateOffThread(db.url, tuned(0).runId, method);
      expect(threaded).toEqual(direct);
      expect(direct.languages.length).toBe(5);
    }
  }, 120_000);

  it("computes once for identical concurrent requests (page, status endpoint alike); every waiter gets the result", async () => {
    const q = await import("../../lib/db/queries/recalibration");
    const before = q.recalibrationComputations.count;
    const model = tuned(0.1).name;
    const [first, ...rest] = await Promise.all([
      q.getRecalibration(pool, fx.benchmark, model, "temperature"),
      ...Array.from({ length: 7 }, () => q.getRecalibration(pool, fx.benchmark, model, "temperature")),
      status(model, "temperature"),
      status(model, "temperature"),
    ]);
    expect(q.recalibrationComputations.count - before).toBe(1);
    for (const r of rest.slice(0, 7)) expect(r).toBe(first);
    for (const r of rest.slice(7) as Response[]) expect([200, 202]).toContain(r.status);
    const stored = await pool.query(`SELECT count(*)::int AS n FROM "RecalibrationResult" WHERE "runId" = $1 AND "method" = 'temperature'`, [tuned(0.1).runId]);
    expect(stored.rows[0].n).toBe(1);
  }, 120_000);

  it("keeps the event loop responsive while a computation runs (timer lag measured)", async () => {
    const q = await import("../../lib/db/queries/recalibration");
    const { computeRecalibration } = await import("../../lib/db/queries/recalibration-compute");
    const lagWhile = async (work: () => Promise<unknown>) => {
      let worst = 0;
      let last = performance.now();
      const t = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last - 10);
        last = now;
      }, 10);
      const t0 = performance.now();
      await work();
      const wall = performance.now() - t0;
      clearInterval(t);
      worst = Math.max(worst, performance.now() - last - 10);
      return { worst, wall };
    };
    // in-process, the same computation holds the loop for long stretches (the contrast this test is about)
    const inProcess = await lagWhile(() => computeRecalibration(pool, base().runId, "isotonic"));
    const { recalibrateOffThread } = await import("../../lib/compute/recalibration-pool");
    const offThread = await lagWhile(async () => {
      await q.getRecalibration(pool, fx.benchmark, base().name, "temperature");
      // More computations on the thread until the loop has been watched for a stretch well above the lag bound, on a
      // fast machine too (one computation can take under 200 ms there).
      const t0 = performance.now();
      for (let i = 0; i < 100 && performance.now() - t0 < 400; i++) await recalibrateOffThread(db.url, base().runId, "isotonic");
    });
    console.log(`event-loop lag: in-process ${inProcess.worst.toFixed(0)} ms of ${inProcess.wall.toFixed(0)} ms; off-thread ${offThread.worst.toFixed(0)} ms of ${offThread.wall.toFixed(0)} ms`);
    expect(offThread.wall).toBeGreaterThan(300); // computations of a visible duration ran meanwhile
    expect(offThread.worst).toBeLessThan(100);
  }, 120_000);

  it("status: 202 pending at once, then 200 ready; 503 + Retry-After when the queue is full; cross-site 403", async () => {
    const model = base().name;
    expect((await status(model, "histogram", { "sec-fetch-site": "cross-site" })).status).toBe(403);
    // three different computations at once: one thread, one waiting place, so exactly one is refused
    const asks: [string, string][] = [[tuned(0).name, "temperature"], [model, "isotonic"], [tuned(0.1).name, "isotonic"]];
    const first = await Promise.all(asks.map(([m, method]) => status(m, method)));
    expect(first.map((r) => r.status).sort()).toEqual([202, 202, 503]);
    const busy = first.find((r) => r.status === 503)!;
    expect(Number(busy.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await busy.json()).toMatchObject({ state: "busy" });
    expect(await first.find((r) => r.status === 202)!.json()).toMatchObject({ state: "pending" });
    // polling (as the page does) starts the refused one again, and every one ends ready
    for (const [m, method] of asks) {
      let r = await status(m, method);
      for (let i = 0; i < 600 && r.status !== 200; i++) {
        await new Promise((res) => setTimeout(res, 100));
        r = await status(m, method);
      }
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ state: "ready" });
    }
    const bad = await status(model, "nonsense");
    expect(bad.status).toBe(400);
  }, 120_000);
});
