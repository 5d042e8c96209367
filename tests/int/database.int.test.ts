/**
 * Database selection and migrations: the offline runner records migrations as Prisma Migrate does,
 * concurrent runners serialise, and the embedded cluster is shared by several processes and
 * stopped by the last one to leave.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMigrations, migrate } from "../../lib/db/migrate";
import { freshDatabase, type TestDatabase } from "../support/db";

const root = path.resolve(__dirname, "../..");
const exec = promisify(execFile);
let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase("migrations");
});
afterAll(async () => {
  await db.drop();
});

describe("migrations", () => {
  it("are recorded in _prisma_migrations with sha256 checksums, and re-running is a no-op", async () => {
    expect(await migrate(db.url, { quiet: true })).toEqual([]);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const rows = await c.query(`SELECT migration_name, checksum, finished_at IS NOT NULL AS done, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`);
    await c.end();
    expect(rows.rows).toEqual(listMigrations().map((m) => ({ migration_name: m.name, checksum: m.checksum, done: true, applied_steps_count: 1 })));
  });

  it("concurrent runners on an empty database serialise on the advisory lock", async () => {
    const empty = await freshDatabase("empty");
    const c = new pg.Client({ connectionString: empty.url });
    await c.connect();
    await c.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
    await c.end();
    const results = await Promise.all([migrate(empty.url, { quiet: true }), migrate(empty.url, { quiet: true }), migrate(empty.url, { quiet: true })]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 0, listMigrations().length]);
    await empty.drop();
  });
});

function child(dir: string, port: string, holdMs: number) {
  const code = `
    import { ensureEmbedded, embeddedOptionsFromEnv } from "./lib/db/embedded.ts";
    import pg from "pg";
    const url = await ensureEmbedded(embeddedOptionsFromEnv());
    const c = new pg.Client({ connectionString: url }); await c.connect();
    await c.query("SELECT 1"); await c.end();
    console.log("ready");
    await new Promise((r) => setTimeout(r, ${holdMs}));`;
  const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: root,
    env: { ...process.env, ATLAS_DATA_DIR: dir, ATLAS_PG_PORT: port, DATABASE_URL: "" },
  });
  let out = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (out += d));
  const ready = new Promise<void>((res, rej) => {
    p.stdout.on("data", () => out.includes("ready") && res());
    p.on("exit", (c) => (out.includes("ready") ? res() : rej(new Error(`child exited ${c}: ${out}`))));
  });
  const exited = new Promise<number | null>((res) => p.on("exit", res));
  return { ready, exited };
}

/** Whether a server answers on the port: a refused password (28P01) counts, the cluster's is random. */
async function serverUp(port: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: `postgresql://probe:probe@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "28P01";
  }
}

describe("embedded Postgres shared by several processes", () => {
  it("the last process to exit stops the server; an earlier one leaves it running", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "atlas-embedded-"));
    // The data folder must be reachable by the unprivileged postgres user when running as root.
    await exec("chmod", ["755", dir]);
    const port = "54377";
    const a = child(dir, port, 1500);
    await a.ready;
    const b = child(dir, port, 6000);
    await b.ready;
    await a.exited;
    expect(await serverUp(port)).toBe(true); // b still uses it
    await b.exited;
    await expect.poll(() => serverUp(port), { timeout: 15_000 }).toBe(false);
  }, 120_000);
});
