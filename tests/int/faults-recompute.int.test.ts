/**
 * Postgres stopped abruptly (`pg_ctl stop -m immediate`) during `calib recompute` of every run: the command fails
 * with the one clear message; each run's statistics are whole — the runs finished before the stop have their new
 * rows, the run in progress keeps its previous ones (one transaction per run) — and after the next start a
 * recompute runs to the end. Own cluster.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCalib } from "../support/calib";
import { faultCluster, until, type FaultCluster } from "../support/fault-cluster";
import { writeMeasuredFixture, type MeasuredFixture } from "../support/measured-fixture";

let cluster: FaultCluster;
let url: string;
let fx: MeasuredFixture;
const LANGUAGES = ["ar", "de", "sw", "am", "yo", "fr"];

beforeAll(async () => {
  cluster = await faultCluster(3);
  url = await cluster.database("atlas_faults_recompute");
  fx = await writeMeasuredFixture(url, { languages: LANGUAGES, questionsPerLanguage: 600, resamples: 0 });
});

afterAll(() => cluster?.stop());

const calib = (args: string[]) => startCalib(url, args);

async function statsByRun(): Promise<Map<number, { rows: number; newest: number; oldest: number }>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ runId: number; rows: number; newest: Date; oldest: Date }>(
      `SELECT "runId", count(*)::int AS rows, max("computedAt") AS newest, min("computedAt") AS oldest FROM "RunLanguageStats" GROUP BY 1`,
    );
    return new Map(r.rows.map((x) => [x.runId, { rows: x.rows, newest: x.newest.getTime(), oldest: x.oldest.getTime() }]));
  } finally {
    await c.end();
  }
}

describe("Postgres stopped during a recompute", () => {
  it("fails clearly, leaves every run's statistics whole, and a recompute after the next start finishes", async () => {
    const before = await statsByRun();
    const runs = fx.models.map((m) => m.runId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const t0 = Date.now();
    const { out, exited } = calib(["recompute"]);
    // stderr carries the progress bar: only a "calib:" message there means the command stopped early.
    await until(() => /statistics recomputed/.test(out.stdout) || /calib: /.test(out.stderr), 120_000, "the first run's recompute");
    cluster.crash();
    expect(await exited).toBe(1);
    expect(out.stderr).toMatch(/calib: the database became unavailable during calib recompute \(.+\)\. The transaction in progress was rolled back, so nothing is half-written/);
    const finished = [...out.stdout.matchAll(/run (\d+): statistics recomputed/g)].map((m) => Number(m[1]));
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThan(runs.length);

    await cluster.start();
    const after = await statsByRun();
    for (const id of runs) {
      const a = after.get(id)!;
      expect(a.rows, `run ${id}`).toBe(LANGUAGES.length * 2);
      const allNew = a.oldest >= t0 - 1000;
      const allOld = a.oldest === before.get(id)!.oldest && a.newest === before.get(id)!.newest;
      expect(allNew || allOld, `run ${id}: its rows are all old or all new`).toBe(true);
      // (A run may have committed just before the stop without printing its line yet: only the printed ones are sure.)
      if (finished.includes(id)) expect(allNew, `run ${id} recomputed`).toBe(true);
    }

    const again = calib(["recompute"]);
    expect(await again.exited, again.out.stderr).toBe(0);
    expect([...again.out.stdout.matchAll(/statistics recomputed/g)].length).toBe(runs.length);
  });
});
