/**
 * An import large enough for compute threads (lib/compute/stats-pool.ts: ≥ 50,000 predictions, ≥ 2 languages)
 * computes its statistics on them: the stored rows are those of the in-process computation, and a thread that dies
 * in the middle fails the import with its message and leaves nothing of it (the import's transaction rolls back).
 */
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { STATS_POOL_EARLY_BYTES } from "../../lib/compute/stats-pool";
import { ThreadPool } from "../../lib/compute/thread-pool";
import { recomputeRunStats } from "../../lib/db/stats";
import { freshDatabase, type TestDatabase } from "../support/db";
import { scoresCsv } from "../support/fault-cluster";
import { tempFile } from "../support/import-helpers";

let db: TestDatabase;
let pool: pg.Pool;
let file: string;

beforeAll(async () => {
  db = await freshDatabase("stats_threads");
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  // 2 × 30,000 predictions: above the pool's threshold, with two languages to spread.
  file = tempFile("scores.csv", scoresCsv(["de", "fr"], 30_000));
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** Runs `fn` with these ATLAS_* variables set (read per call by lib/env.ts), restoring them after. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const statsOf = async (runId: number) =>
  (
    await pool.query(
      `SELECT "languageCode", "binning", "n", "accuracy", "ece", "smece", "sce", "ace", "brier", "nll", "intervals", "reliability", "smoothCurve"
         FROM "RunLanguageStats" WHERE "runId" = $1 ORDER BY 1, 2`,
      [runId],
    )
  ).rows;

/** The run's rows after recomputing it in this thread (same seeds "<runId>/<language>" as the import's threads). */
async function recomputedInProcess(runId: number) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await recomputeRunStats(client, runId);
    await client.query("COMMIT");
  } finally {
    client.release();
  }
  return statsOf(runId);
}

const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0].n);

describe("statistics of a large import on compute threads", { timeout: 300_000 }, () => {
  it("stores the rows the in-process computation stores", async () => {
    const { importFiles } = await import("../../lib/import/import-files");
    const r = await withEnv({ ATLAS_STATS_THREADS: "2" }, () => importFiles({ db: pool, files: [file], model: "Threads", benchmark: "ST" }));
    expect(r.predictions).toBe(60_000);
    const threaded = await statsOf(r.runId);
    expect(threaded.map((x) => [x.languageCode, x.binning])).toEqual([
      ["de", "equal-mass"],
      ["de", "equal-width"],
      ["fr", "equal-mass"],
      ["fr", "equal-width"],
    ]);
    expect(Object.keys(threaded[0].intervals)).toContain("ece");
    expect(await recomputedInProcess(r.runId)).toEqual(threaded);
  });

  it("starts its threads before it reads a file of STATS_POOL_EARLY_BYTES or more, with the same statistics", async () => {
    const { importFiles } = await import("../../lib/import/import-files");
    const big = tempFile("big.csv", scoresCsv(["de", "fr"], 45_000));
    expect(statSync(big).size).toBeGreaterThan(STATS_POOL_EARLY_BYTES);
    const events: string[] = [];
    const run = ThreadPool.prototype.run;
    const spy = vi.spyOn(ThreadPool.prototype, "run").mockImplementation(function (this: ThreadPool, message, transfer) {
      events.push(String(message.kind));
      return run.call(this, message, transfer);
    });
    let r;
    try {
      r = await withEnv({ ATLAS_STATS_THREADS: "2" }, () =>
        importFiles({ db: pool, files: [big], model: "Early", benchmark: "SE", onProgress: (p) => void (events.at(-1) !== p.phase && events.push(p.phase)) }),
      );
    } finally {
      spy.mockRestore();
    }
    expect(r.predictions).toBe(90_000);
    // Both threads warm up before the first batch is read; the languages then go to them. (No hashing phase: nothing
    // of model "Early" was imported, so the file is hashed while it is read.)
    expect(events.slice(0, events.indexOf("reading"))).toEqual(["stats-warm", "stats-warm"]);
    expect(events.filter((e) => e === "stats")).toEqual(["stats", "stats", "stats"]); // the phase, then one task per language
    const threaded = await statsOf(r.runId);
    expect(await recomputedInProcess(r.runId)).toEqual(threaded);
  });

  it("fails the import when a compute thread dies, and stores nothing of it", async () => {
    const { importFiles } = await import("../../lib/import/import-files");
    // A compute-thread file (found under ATLAS_ROOT, lib/compute/pool.ts) whose thread exits on its first task.
    const root = mkdtempSync(path.join(tmpdir(), "atlas-dying-thread-"));
    mkdirSync(path.join(root, "lib/compute"), { recursive: true });
    writeFileSync(
      path.join(root, "lib/compute/compute-thread.mjs"),
      `import { parentPort } from "node:worker_threads";\nparentPort.on("message", () => process.exit(3));\n`,
    );
    const before = { runs: await count(`SELECT count(*) AS n FROM "Run"`), predictions: await count(`SELECT count(*) AS n FROM "Prediction"`) };
    await expect(
      withEnv({ ATLAS_STATS_THREADS: "2", ATLAS_ROOT: root }, () => importFiles({ db: pool, files: [file], model: "Dies", benchmark: "SD" })),
    ).rejects.toThrow(/compute thread exited \(code 3\)/);
    expect(await count(`SELECT count(*) AS n FROM "Run"`)).toBe(before.runs);
    expect(await count(`SELECT count(*) AS n FROM "Prediction"`)).toBe(before.predictions);
    expect(await count(`SELECT count(*) AS n FROM "Model" WHERE "name" = 'Dies'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM "Benchmark" WHERE "name" = 'SD'`)).toBe(0);
    // The same import with working threads then goes through.
    const ok = await withEnv({ ATLAS_STATS_THREADS: "2" }, () => importFiles({ db: pool, files: [file], model: "Dies", benchmark: "SD" }));
    expect(ok.predictions).toBe(60_000);
  });
});
