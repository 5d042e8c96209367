/**
 * The benchmarks' web server: a production build (reused when newer than the sources; BENCH_BUILD=1 forces one)
 * served by `next start` on a free loopback port, up once /api/health answers. Used by bench:views and
 * bench:load-import.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { buildIsStale } from "../../scripts/build-freshness";

const root = path.resolve(import.meta.dirname, "../..");

export function ensureBuild(log: (m: string) => void): void {
  if (!buildIsStale(root) && process.env.BENCH_BUILD !== "1")
    return log("reusing the production build in .next");
  log("building the app (next build)…");
  const r = spawnSync(path.join(root, "node_modules/.bin/next"), ["build"], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
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

export async function startServer(
  url: string,
  env: Record<string, string> = {},
): Promise<{ base: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    path.join(root, "node_modules/.bin/next"),
    ["start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        DATABASE_URL: url,
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
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
    if (proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`next start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, proc };
}
