/**
 * The production web server `npm start` runs (scripts/serve.ts spawns it where it used to spawn `next start`): the
 * same Next.js app through its request handler, behind the views' response cache (lib/http/response-cache.ts), in
 * ATLAS_WEB_PROCESSES processes sharing one port (node:cluster; default 1). Each process has its own cache and its
 * own compute threads; a process that dies is replaced.
 *
 * Environment: DATABASE_URL (the web role's URL), PORT (3000), ATLAS_WEB_PROCESSES (1),
 * ATLAS_RESPONSE_CACHE_MB (256 per process; 0 turns the response cache off).
 *
 * Run without `--conditions=react-server` (Next.js loads its own React builds for rendering).
 */
import { readEnv } from "../lib/env";
import cluster from "node:cluster";
import http from "node:http";
import next from "next";
import pg from "pg";
import { coalesced, dataVersion, LIVE_TABLES } from "../lib/db/data-version";
import { responseCache } from "../lib/http/response-cache";

const port = Number(process.env.PORT ?? 3000);
// Loopback only, as `next start -H 127.0.0.1` before it (lib/http/guard.ts checks Host besides).
const hostname = "127.0.0.1";

/** The views whose GET response is a function of the URL and the stored data alone. */
const CACHEABLE = /^\/(?:reliability|smoothing|smoothing\/significance|results|runs|questions|questions\/\d+)?$/;
/**
 * The tables those views read that change: LIVE_TABLES, plus the stored recalibration results — the recalibrated
 * heatmap (`/?mode=recalibrated`) answers "computing…" until its result is stored, off the request thread and with
 * no other write, so without it that first answer would be replayed for good.
 */
const VERSION_TABLES = [...LIVE_TABLES, "RecalibrationResult"] as const;

async function serve(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const db = new pg.Pool({ connectionString: url, max: 2 });
  db.on("error", (e) => console.error(`[web] idle connection error: ${e.message}`));
  const cache = responseCache({
    version: coalesced(() => dataVersion(db, VERSION_TABLES)),
    cacheable: (p) => CACHEABLE.test(p),
    maxBytes: readEnv("ATLAS_RESPONSE_CACHE_MB") * 1024 * 1024,
  });
  const server = http.createServer((req, res) => {
    cache.serve(req, res, (rq, rs) => handle(rq, rs)).catch((e: Error) => {
      console.error(`[web] ${req.method} ${req.url}: ${e.message}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error\n");
    });
  });
  // Keep-alive longer than a client's idle time, so reused connections are not cut under load.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, hostname, resolve));
}

function primary(processes: number): void {
  let stopping = false;
  for (let i = 0; i < processes; i++) cluster.fork();
  cluster.on("exit", (w, code, signal) => {
    if (stopping) return;
    console.error(`[web] process ${w.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(() => cluster.fork(), 1000);
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

const processes = readEnv("ATLAS_WEB_PROCESSES");
if (processes > 1 && cluster.isPrimary) primary(processes);
else
  serve().catch((e) => {
    console.error(e);
    process.exit(1);
  });
