/**
 * The production app for the view benches: a build that is reused while newer than the sources, served on a free
 * loopback port either by `next start` alone (bench:views) or by the `npm start` launcher (bench:load: scripts/serve.ts
 * with the seed and the worker off), against a given DATABASE_URL. Also serves bench:load-import.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { buildIsStale } from "../../scripts/build-freshness";

const root = path.resolve(import.meta.dirname, "../..");

export interface Server {
  base: string;
  proc: ChildProcess;
}

export function ensureBuild(log: (msg: string) => void): void {
  if (!buildIsStale(root) && process.env.BENCH_BUILD !== "1") return log("reusing the production build in .next");
  log("building the app (next build)…");
  const r = spawnSync(path.join(root, "node_modules/.bin/next"), ["build"], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error("next build failed");
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Starts the app and waits for /api/health (60 s at most). */
export async function startServer(
  url: string,
  via: "next" | "npm-start" = "next",
  extraEnv: Record<string, string> = {},
): Promise<Server> {
  const port = await freePort();
  const env = { ...process.env, ...extraEnv, DATABASE_URL: url, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" as const };
  const proc =
    via === "next"
      ? spawn(path.join(root, "node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
          cwd: root,
          env,
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        })
      : spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/serve.ts"], {
          cwd: root,
          // The benches measure the views behind the response cache (off by default in `npm start`).
          env: { ATLAS_RESPONSE_CACHE_MB: "256", ...env, PORT: String(port), ATLAS_SEED: "0", ATLAS_WORKER: "0" },
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        });
  let out = "";
  proc.stdout?.on("data", (d) => (out += d));
  proc.stderr?.on("data", (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(base + "/api/health");
      if (r.status < 500) break;
    } catch {
      // not yet
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stopServer({ base, proc });
      throw new Error(`the app did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, proc };
}

/** Stops the server and everything it started (its own process group). */
export async function stopServer(s: Server): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.pid === undefined) return;
  const exited = new Promise((r) => s.proc.once("exit", r));
  try {
    process.kill(-s.proc.pid, "SIGTERM");
  } catch {
    // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-s.proc.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
