/**
 * Least privilege (SECURITY.md): the web server's role reads what the pages read, cancels and deletes
 * runs, enqueues jobs — and cannot write predictions, run programs on the server, or create roles.
 * The embedded cluster has random passwords in 0600 files, scram-only logins, and rotates the legacy
 * atlas/atlas password of an older cluster on its next start.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedOptionsFromEnv, embeddedWebUrl } from "../../lib/db/embedded";
import { applyWebGrants, ensureWebRole, WEB_ROLE } from "../../lib/db/roles";
import { cancelRun, deleteRun } from "../../lib/db/runs";
import { listRuns } from "../../lib/db/queries/runs";
import { getHeatmapData, listBenchmarks } from "../../lib/db/queries/heatmap";
import { getResults } from "../../lib/db/queries/results";
import { getSmoothingData } from "../../lib/db/queries/smoothing";
import { endPools, poolFor } from "../../lib/db/pool";
import { calibSpawned } from "../support/calib";
import { freshDatabase, type TestDatabase } from "../support/db";
import { withDatabase } from "../support/global-db";
import { writeMeasuredFixture, type MeasuredFixture } from "../support/measured-fixture";
import { readEnv } from "../../lib/env";

const root = path.resolve(__dirname, "../..");
let db: TestDatabase;
let webUrl: string;
let fixture: MeasuredFixture;

/** The test cluster's web role URL: the embedded one's own, or (external server) one set up here. */
async function webRoleUrl(): Promise<string> {
  if (!process.env.TEST_DATABASE_ADMIN_URL) {
    const opts = embeddedOptionsFromEnv({
      ATLAS_DATA_DIR: path.resolve(root, readEnv("ATLAS_TEST_DATA_DIR")),
      ATLAS_PG_PORT: String(readEnv("ATLAS_TEST_PG_PORT")),
      ATLAS_PG_DATABASE: db.name,
    });
    return embeddedWebUrl(opts);
  }
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const pw = "web-role-test";
  await ensureWebRole(c, pw);
  await applyWebGrants(c);
  await c.end();
  const u = new URL(db.url);
  u.username = WEB_ROLE;
  u.password = pw;
  return u.toString();
}

async function asWeb<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: webUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function sqlState(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "succeeded",
    (e: { code?: string }) => e.code ?? "no code",
  );
}

beforeAll(async () => {
  db = await freshDatabase("webrole");
  fixture = await writeMeasuredFixture(db.url, { languages: ["de", "sw"], questionsPerLanguage: 40, resamples: 10 });
  webUrl = await webRoleUrl();
}, 120_000);
afterAll(async () => {
  await endPools();
  await db.drop();
});

describe("the web role", () => {
  it("is a plain login: no superuser, createdb, createrole, replication, and owns nothing", async () => {
    const r = await asWeb((c) =>
      c.query(
        `SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
      ),
    );
    expect(r.rows[0]).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false });
    const owned = await asWeb((c) =>
      c.query(`SELECT count(*)::int AS n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)`),
    );
    expect(owned.rows[0].n).toBe(0);
  });

  it("runs every view's queries", async () => {
    const pool = poolFor(webUrl);
    expect((await listRuns(pool, { families: [] })).length).toBeGreaterThan(0);
    expect((await listBenchmarks(pool)).map((b) => b.name)).toContain(fixture.benchmark);
    const bench = fixture.benchmark;
    const results = await getResults(pool, {
      benchmark: bench, sources: ["published", "measured"], families: [], sft: [], betas: [], languages: [], metrics: ["ece"],
    } as Parameters<typeof getResults>[1]);
    expect(results).toBeTruthy();
    expect(await getHeatmapData(pool, { benchmark: bench, metric: "ece", sources: ["measured"] } as Parameters<typeof getHeatmapData>[1])).not.toBeNull();
    await getSmoothingData(pool, { benchmark: bench, sources: ["measured"], families: [], sft: [], languages: [], betaA: "0", betaB: "0.1" });
  });

  it("cancels and deletes a run, and the delete cascades to its predictions", async () => {
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    const run = await owner.query<{ id: number; n: number }>(
      `SELECT r."id", (SELECT count(*)::int FROM "Prediction" p WHERE p."runId" = r."id") AS n
       FROM "Run" r ORDER BY r."id" LIMIT 1`,
    );
    const id = run.rows[0].id;
    expect(run.rows[0].n).toBeGreaterThan(0);
    await owner.query(`UPDATE "Run" SET "status" = 'running' WHERE "id" = $1`, [id]);
    await owner.query(
      `INSERT INTO "RunSplit" ("runId", "languageCode", "status", "done", "total", "updatedAt") VALUES ($1, 'de', 'running', 0, 10, now())
       ON CONFLICT ("runId", "languageCode") DO UPDATE SET "status" = 'running'`,
      [id],
    );
    // Through the Prisma client on the web server's pool: the same role as the app's routes.
    await cancelRun(poolFor(webUrl), id);
    const after = await owner.query(`SELECT "status"::text AS s FROM "Run" WHERE "id" = $1`, [id]);
    expect(after.rows[0].s).toBe("cancelled");
    await expect(deleteRun(poolFor(webUrl), id)).resolves.toBeUndefined();
    const left = await owner.query(`SELECT count(*)::int AS n FROM "Prediction" WHERE "runId" = $1`, [id]);
    expect(left.rows[0].n).toBe(0);
    await owner.end();
  });

  it("cannot write predictions, questions or stats, nor change anything else of a run", async () => {
    const denied = "42501"; // insufficient_privilege
    expect(await asWeb((c) => sqlState(c.query(`INSERT INTO "Prediction" ("runId", "questionId", "probs", "predicted", "correct", "confidence") SELECT "runId", "questionId", "probs", "predicted", "correct", "confidence" FROM "Prediction" LIMIT 1`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`UPDATE "Prediction" SET "confidence" = 1`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`DELETE FROM "Question"`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`DELETE FROM "RunLanguageStats"`)))).toBe(denied);
    // The stored paired bootstrap (lib/db/paired-stats.ts): read by /smoothing/significance, written at statistics time.
    expect(await asWeb((c) => sqlState(c.query(`SELECT count(*) FROM "PairedSignificance"`)))).toBe("succeeded");
    expect(await asWeb((c) => sqlState(c.query(`DELETE FROM "PairedSignificance"`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`UPDATE "Run" SET "importKey" = 'x'`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`INSERT INTO "Model" ("name", "family") VALUES ('x', 'y')`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`SELECT * FROM "_prisma_migrations"`)))).toBe(denied);
  });

  it("cannot run programs, read server files, create roles, databases or tables", async () => {
    const denied = "42501";
    expect(await asWeb((c) => sqlState(c.query(`COPY (SELECT 1) TO PROGRAM 'id'`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`SELECT pg_read_file('/etc/passwd')`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`CREATE ROLE intruder LOGIN SUPERUSER`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`CREATE DATABASE intruder`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`CREATE TABLE public.intruder (x int)`)))).toBe(denied);
    expect(await asWeb((c) => sqlState(c.query(`ALTER ROLE ${WEB_ROLE} SUPERUSER`)))).toBe(denied);
  });

  it("can read a table a later migration adds (default privileges), and is re-granted by the runner", async () => {
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    await owner.query(`CREATE TABLE "LaterTable" ("x" int)`);
    await owner.end();
    expect(await asWeb((c) => sqlState(c.query(`SELECT * FROM "LaterTable"`)))).toBe("succeeded");
    expect(await asWeb((c) => sqlState(c.query(`INSERT INTO "LaterTable" VALUES (1)`)))).toBe("42501");
  });

  it("may enqueue pg-boss jobs once the queue schema exists, and nothing more there", async () => {
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    // The queue's own schema (as pg-boss installs it); then the grants the worker re-applies.
    const { default: PgBoss } = await import("pg-boss");
    const boss = new PgBoss({ connectionString: db.url, schema: "pgboss", supervise: false, schedule: false });
    await boss.start();
    await boss.createQueue("web-role-test");
    await boss.stop({ graceful: false, wait: true });
    await applyWebGrants(owner);
    await owner.end();
    const sender = new PgBoss({ connectionString: webUrl, schema: "pgboss", migrate: false, supervise: false, schedule: false });
    await sender.start();
    const id = await sender.send("web-role-test", { a: 1 });
    expect(id).toBeTruthy();
    expect((await sender.getJobById("web-role-test", id!))?.data).toEqual({ a: 1 });
    await sender.stop({ graceful: false, wait: true });
    expect(await asWeb((c) => sqlState(c.query(`DELETE FROM pgboss.job`)))).toBe("42501");
    expect(await asWeb((c) => sqlState(c.query(`UPDATE pgboss.job SET data = '{}'`)))).toBe("42501");
    expect(await asWeb((c) => sqlState(c.query(`INSERT INTO pgboss.queue (name) VALUES ('x')`)))).toBe("42501");
  }, 60_000);
});

describe("calib db-roles (external PostgreSQL)", () => {
  afterAll(async () => {
    // The command rotated the cluster-wide role's password: give it back the one the other tests use.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await ensureWebRole(c, decodeURIComponent(new URL(webUrl).password));
    await c.end();
  });

  it("creates the role with a random password, grants it, and prints ATLAS_WEB_DATABASE_URL", async () => {
    const { code, stdout, stderr } = await calibSpawned(db.url, ["db-roles"]);
    expect(code, stderr).toBe(0);
    const m = /^ATLAS_WEB_DATABASE_URL=(\S+)$/m.exec(stdout);
    expect(m).not.toBeNull();
    const url = new URL(m![1]);
    expect(url.username).toBe(WEB_ROLE);
    expect(url.password).toMatch(/^[\w-]{32}$/);
    expect(url.pathname).toBe(`/${db.name}`);
    const c = new pg.Client({ connectionString: m![1] });
    await c.connect();
    try {
      expect(await sqlState(c.query(`SELECT count(*) FROM "Run"`))).toBe("succeeded");
      expect(await sqlState(c.query(`DELETE FROM "Prediction"`))).toBe("42501");
    } finally {
      await c.end();
    }
  }, 60_000);
});

/** A child process that starts (or joins) an embedded cluster, prints its URLs, and holds it until killed. */
function holdCluster(dir: string, port: string) {
  const code = `
    import { ensureEmbedded, embeddedOptionsFromEnv, embeddedWebUrl } from "./lib/db/embedded.ts";
    const opts = embeddedOptionsFromEnv();
    const owner = await ensureEmbedded(opts);
    console.log(JSON.stringify({ owner, web: embeddedWebUrl(opts) }));
    process.stdin.resume();
    process.stdin.on("end", () => process.exit(0));`;
  const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: root,
    env: { ...process.env, ATLAS_DATA_DIR: dir, ATLAS_PG_PORT: port, DATABASE_URL: "", ATLAS_PG_KEEP: "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (out += d));
  const urls = new Promise<{ owner: string; web: string }>((res, rej) => {
    p.stdout.on("data", () => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) res(JSON.parse(line));
    });
    p.on("exit", (c) => rej(new Error(`child exited ${c}: ${out}`)));
  });
  const release = () =>
    new Promise<void>((res) => {
      p.on("exit", () => res());
      p.stdin.end();
    });
  return { urls, release };
}

async function loginState(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.end();
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

function withPassword(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

describe("the embedded cluster's credentials", () => {
  const port = String(readEnv("ATLAS_TEST_PG_PORT") + 37);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "atlas-secrets-"));
    chmodSync(dir, 0o755); // reachable by the postgres user when we are root
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("are random, 0600, scram-only, and an atlas/atlas cluster is rotated on its next start", async () => {
    const first = holdCluster(dir, port);
    const urls = await first.urls;
    const ownerPw = readFileSync(path.join(dir, "secrets/owner.password"), "utf8").trim();
    expect(ownerPw).toMatch(/^[\w-]{32}$/);
    expect(decodeURIComponent(new URL(urls.owner).password)).toBe(ownerPw);
    expect(statSync(path.join(dir, "secrets")).mode & 0o777).toBe(0o700);
    for (const f of ["owner.password", "web.password"])
      expect(statSync(path.join(dir, "secrets", f)).mode & 0o777).toBe(0o600);
    expect(await loginState(urls.owner)).toBe("ok");
    expect(await loginState(urls.web)).toBe("ok");
    expect(await loginState(withPassword(urls.owner, "atlas", "atlas"))).toBe("28P01");
    // initdb's throwaway password (it passed through a world-readable temp file) is gone.
    expect(existsSync(path.join(dir, "secrets/bootstrap.password"))).toBe(false);
    expect(readFileSync(path.join(dir, "pg/pg_hba.conf"), "utf8")).not.toMatch(/\b(trust|password|md5)\s*$/m);

    // Make it what an older version left: password atlas/atlas, cleartext-password logins, no secrets file.
    const c = new pg.Client({ connectionString: withDatabase(urls.owner, "postgres") });
    await c.connect();
    await c.query(`ALTER ROLE atlas PASSWORD 'atlas'`);
    await c.end();
    rmSync(path.join(dir, "secrets/owner.password"));
    writeFileSync(path.join(dir, "pg/pg_hba.conf"), "host all all 127.0.0.1/32 password\n");
    await first.release();

    const second = holdCluster(dir, port);
    const rotated = await second.urls;
    const newPw = readFileSync(path.join(dir, "secrets/owner.password"), "utf8").trim();
    expect(newPw).toMatch(/^[\w-]{32}$/);
    expect(newPw).not.toBe(ownerPw);
    expect(await loginState(rotated.owner)).toBe("ok");
    expect(await loginState(withPassword(rotated.owner, "atlas", "atlas"))).toBe("28P01");
    expect(readFileSync(path.join(dir, "pg/pg_hba.conf"), "utf8")).toMatch(/127\.0\.0\.1\/32 scram-sha-256/);
    await second.release();
  }, 180_000);
});
