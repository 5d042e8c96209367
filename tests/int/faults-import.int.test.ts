/**
 * Postgres stopped abruptly (`pg_ctl stop -m immediate`) in the middle of `calib import`: the command fails with
 * the one clear message, nothing of the import is stored, and the next start recovers by itself — WAL replay after
 * the immediate stop, and a stale postmaster.pid naming a live process that is not this cluster's server (a PID
 * reused after a crash or reboot, which Postgres alone refuses to start over). Own cluster: this test kills it.
 */
import { execSync, spawn } from "node:child_process";
import { userInfo } from "node:os";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCalib } from "../support/calib";
import { faultCluster, scoresCsv, until, type FaultCluster } from "../support/fault-cluster";

const root = path.resolve(import.meta.dirname, "../..");
let cluster: FaultCluster;
let url: string;
const dir = path.join(root, "test-results", "faults-import");

beforeAll(async () => {
  cluster = await faultCluster(1);
  url = await cluster.database("atlas_faults_import");
  mkdirSync(dir, { recursive: true });
  // 4 × 40,000 new questions and predictions: several seconds of COPY on a loaded CI machine.
  writeFileSync(path.join(dir, "big.csv"), scoresCsv(["de", "fr", "sw", "yo"], 40_000));
});

afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function postgresUser(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  return { uid: Number(execSync("id -u postgres").toString()), gid: Number(execSync("id -g postgres").toString()) };
}

async function count(table: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
  } finally {
    await c.end();
  }
}

async function copyRunning(): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'COPY%' AND pid <> pg_backend_pid()`);
    return (r.rowCount ?? 0) > 0;
  } finally {
    await c.end();
  }
}

describe("Postgres stopped during an import", () => {
  it("fails with a clear message, stores nothing, and the next start recovers without a manual step", async () => {
    const { out, exited } = startCalib(url, ["import", path.join(dir, "big.csv"), "--model", "Crash-Model", "--benchmark", "Crash-MC", "--options", "4"]);
    await until(copyRunning, 60_000, "the import's COPY");
    cluster.crash();
    const code = await exited;
    expect(code).toBe(1);
    expect(out.stderr).toMatch(/calib: the database became unavailable during calib import \(.+\)\. The transaction in progress was rolled back, so nothing is half-written; run it again/);
    expect(out.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace

    // A stale postmaster.pid naming a live process of the server's own user that is not this cluster's server
    // (Postgres itself skips PIDs of other users and of its parent and grandparent; a same-user PID stops it).
    const other = spawn("sleep", ["60"], { stdio: "ignore", ...postgresUser() });
    writeFileSync(path.join(cluster.pgdata, "postmaster.pid"), `${other.pid}\n${cluster.pgdata}\n0\n${cluster.opts.port}\n`);
    try {
      await cluster.start();
    } finally {
      other.kill();
    }
    expect(await cluster.isUp()).toBe(true);
    expect(await count("Prediction")).toBe(0);
    expect(await count("Question")).toBe(0);
    expect(await count("Run")).toBe(0);
  });
});
