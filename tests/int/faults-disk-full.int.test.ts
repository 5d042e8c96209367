/**
 * The data disk running full during an import: the test database lives in a tablespace on a 24 MB tmpfs, and an
 * import of 160,000 new questions and predictions (~40 MB of rows) fills it — a real ENOSPC inside Postgres
 * (SQLSTATE 53100), not a mock. `calib import` fails with one clear message and nothing of it is stored.
 * Needs root and mount(8) (as in CI's container); skipped with the reason elsewhere. Own cluster.
 */
import { execFileSync, execSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDatabase, embeddedUrl } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { calibSpawned } from "../support/calib";
import { faultCluster, scoresCsv, type FaultCluster } from "../support/fault-cluster";

const root = path.resolve(import.meta.dirname, "../..");
const files = path.join(root, "test-results", "faults-disk-full");
let cluster: FaultCluster;
let mountPoint = "";
let url = "";
let why = "";

function canMount(dir: string): boolean {
  if (userInfo().uid !== 0) {
    why = "not root";
    return false;
  }
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", dir], { stdio: "pipe" });
    return true;
  } catch (e) {
    why = `mount failed: ${(e as Error).message.split("\n")[0]}`;
    return false;
  }
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: embeddedUrl(cluster.opts, "postgres") });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

let mounted = false;
beforeAll(async () => {
  cluster = await faultCluster(5);
  // Left by an earlier, interrupted run.
  await admin(`DROP DATABASE IF EXISTS "atlas_faults_disk" WITH (FORCE)`);
  await admin(`DROP TABLESPACE IF EXISTS "atlas_small"`).catch(() => {});
  mountPoint = path.join(cluster.opts.dir, "small-disk");
  mounted = canMount(mountPoint);
  if (!mounted) return;
  execSync(`chown postgres:postgres ${JSON.stringify(mountPoint)}`);
  await admin(`CREATE TABLESPACE "atlas_small" LOCATION '${mountPoint}'`);
  await admin(`CREATE DATABASE "atlas_faults_disk" TABLESPACE "atlas_small"`);
  url = withDatabase(embeddedUrl(cluster.opts, "postgres"), "atlas_faults_disk");
  await migrate(url, { quiet: true });
  mkdirSync(files, { recursive: true });
  writeFileSync(path.join(files, "big.csv"), scoresCsv(["de", "fr", "sw", "yo"], 40_000));
});

afterAll(async () => {
  if (mounted) {
    await admin(`DROP DATABASE IF EXISTS "atlas_faults_disk" WITH (FORCE)`).catch(() => {});
    await admin(`DROP TABLESPACE IF EXISTS "atlas_small"`).catch(() => {});
  }
  cluster?.stop();
  if (mounted) execFileSync("umount", [mountPoint]);
  rmSync(files, { recursive: true, force: true });
});

describe("disk full during an import", () => {
  it("fails with a clear message and stores nothing", async (ctx) => {
    if (!mounted) return ctx.skip(`needs a size-limited filesystem: ${why}`);
    const { code, stderr } = await calibSpawned(url, ["import", path.join(files, "big.csv"), "--model", "Full-Model", "--benchmark", "Full-MC", "--options", "4"]);
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/calib: out of disk space during calib import \(.*No space left on device.*\)\. The transaction in progress was rolled back, so nothing is half-written; free some space/);
    expect(stderr).not.toMatch(/\n\s+at /);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const r = await c.query<{ p: number; q: number; r: number }>(
        `SELECT (SELECT count(*) FROM "Prediction")::int AS p, (SELECT count(*) FROM "Question")::int AS q, (SELECT count(*) FROM "Run")::int AS r`,
      );
      expect(r.rows[0]).toEqual({ p: 0, q: 0, r: 0 });
    } finally {
      await c.end();
    }
  });
});
