/**
 * `npm run demo` / `npm start` / `npm run dev`: database (DATABASE_URL or the embedded one), migrations,
 * demo seed, a production build when sources changed, then the web server (scripts/web-server.ts: Next.js behind the
 * views' response cache; `next dev` with --dev) on
 * http://localhost:3000 (PORT to change) and a queue worker beside it. Ctrl-C stops everything and,
 * when it was the last user, the embedded database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { resolveDatabaseUrl, webDatabaseUrl } from "../lib/db/url";
import { endPools, poolFor } from "../lib/db/pool";
import { sweepUploads, uploadsRoot } from "../lib/import/upload/upload-dir";
import { seedDemo } from "../cli/seed";
import { buildIsStale } from "./build-freshness";
import { SCORING_V8_FLAGS } from "../workers/v8-flags";
import { readEnv } from "../lib/env";

const dev = process.argv.includes("--dev");
const port = process.env.PORT ?? "3000";
const root = process.cwd();
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn(cmd, args, { stdio: "inherit", env: { ...env, ...extraEnv } });
}

async function main() {
  const url = await resolveDatabaseUrl();
  // The web server connects as the least-privilege role; the worker (and this launcher) as the owner.
  const webUrl = await webDatabaseUrl();
  console.error(`database: ${process.env.DATABASE_URL === url && !url.includes("127.0.0.1:" + readEnv("ATLAS_PG_PORT")) ? "DATABASE_URL" : "embedded (.atlas/)"}`);
  const worker = readEnv("ATLAS_WORKER");
  if (readEnv("ATLAS_SEED")) await seedDemo(url, { evaluate: worker });
  // Uploads cut short by a SIGKILL (or whose job's clean-up never ran) are removed before the server takes new ones.
  const gone = await sweepUploads(poolFor(url)).catch((e: Error) => {
    console.error(`uploads: sweep failed: ${e.message}`);
    return [];
  });
  if (gone.length) console.error(`uploads: removed ${gone.length} leftover upload(s) from ${uploadsRoot()}`);
  const { stopBosses } = await import("../workers/queue/boss");
  await stopBosses();
  await endPools();

  const nextBin = path.join(root, "node_modules/.bin/next");
  if (!dev && buildIsStale(root)) {
    console.error("building the app (next build)…");
    const code = await new Promise<number>((res) => run(nextBin, ["build"]).on("exit", (c) => res(c ?? 1)));
    if (code !== 0) process.exit(code);
  }
  const children: ChildProcess[] = [];
  // Production: Next.js's handler behind the views' response cache, in ATLAS_WEB_PROCESSES processes (web-server.ts).
  children.push(
    dev
      ? run(nextBin, ["dev", "-p", port, "-H", "127.0.0.1"], { DATABASE_URL: webUrl })
      : run(process.execPath, ["--import", "tsx", "scripts/web-server.ts"], { DATABASE_URL: webUrl, PORT: port, NODE_ENV: "production" }),
  );
  if (worker) {
    // The demo's fixture model scores a question in milliseconds: slow it so progress can be watched.
    const throttle = String(readEnv("ATLAS_WORKER_THROTTLE_MS") ?? (readEnv("ATLAS_SEED") ? 1000 : 0));
    children.push(
      run(process.execPath, [...SCORING_V8_FLAGS, "--conditions=react-server", "--import", "tsx", "workers/main.ts"], { DATABASE_URL: url, ATLAS_WORKER_THROTTLE_MS: throttle }),
    );
  }
  console.error(`Calibration Atlas: http://localhost:${port}`);
  const stop = () => {
    for (const c of children) c.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await Promise.all(children.map((c) => new Promise((r) => c.on("exit", r))));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
