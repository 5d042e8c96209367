/**
 * `npm run bench:load-import`: does the web server stay responsive while it takes a large import and a burst of
 * significance requests? Loopback only, bounded in time and count.
 *
 * Set-up: a temp database (DATABASE_URL's server or the embedded cluster), three small runs for the significance
 * test, a production build (reused when fresh) served by `next start` on a free port, and a queue worker beside it
 * (as `npm start` runs them), sharing a temp data dir under ATLAS_DATA_DIR.
 * Then autocannon (BENCH_CONNECTIONS, default 2, connections each, BENCH_DURATION_S windows, default 20 s)
 * measures GET /api/health and GET / side by side:
 *   1. at rest;
 *   2. while a BENCH_SIZE-row (default 1,000,000) scores file is uploaded to POST /api/imports and imported by the
 *      worker (windows repeat until the job has finished, at most BENCH_MAX_WINDOWS, default 8);
 *   3. while 40 significance requests (12 different run pairs × languages) arrive at once.
 * Prints one JSON line: p99 (ms) of each endpoint in each phase (the worst window), request counts, the import's
 * upload and total times, the significance answers by status, and the load average (the machine may be shared).
 * Goal: p99 < 250 ms everywhere. BENCH_SIZE=20000 BENCH_DURATION_S=3 is the CI smoke size.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, openAsBlob, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { endPools, poolFor } from "../lib/db/pool";
import { importFiles } from "../lib/import/import-files";
import { ensureBuild, startServer, stopServer } from "./support/next-server";
import { prng, writeScoresFile } from "./support/scores-file";
import { benchDatabase } from "./support/temp-database";
import { readEnv } from "../lib/env";
import { SCORING_V8_FLAGS } from "../workers/v8-flags";

const root = path.resolve(import.meta.dirname, "..");
const SIZE = Number(process.env.BENCH_SIZE ?? 1_000_000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
// Two clients per endpoint (four in all): the latency a user sees while work runs, not the saturation throughput of
// one Node process on the machine (BENCH_CONNECTIONS=10 measures that).
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2);
const MAX_WINDOWS = Number(process.env.BENCH_MAX_WINDOWS ?? 8);
const SIGNIFICANCE_REQUESTS = 40;
const GOAL_P99_MS = 250;
const TOKEN = randomBytes(16).toString("hex");

const log = (msg: string) => process.stderr.write(`[bench:load-import] ${msg}\n`);

interface Window {
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

function cannon(url: string): Promise<Window> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION_S }, (err, r) => {
      if (err) return reject(err);
      resolve({
        p99: r.latency.p99,
        requests: r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
      });
    });
  });
}

/** /api/health and / measured side by side for one window. */
async function measure(base: string): Promise<{ health: Window; home: Window }> {
  const [health, home] = await Promise.all([cannon(`${base}/api/health`), cannon(`${base}/`)]);
  return { health, home };
}

/** The worst p99 over windows, with the requests summed. */
function worst(ws: Window[]): Window {
  return {
    p99: Math.max(...ws.map((w) => w.p99)),
    requests: ws.reduce((s, w) => s + w.requests, 0),
    non2xx: ws.reduce((s, w) => s + w.non2xx, 0),
    errors: ws.reduce((s, w) => s + w.errors, 0),
  };
}

/** Three models over the same 2 × 1,000 questions, for the significance requests. */
async function seedSignificanceRuns(url: string, dir: string): Promise<number[]> {
  const ids: number[] = [];
  for (const [m, skill] of [
    ["A", 0.2],
    ["B", 0.5],
    ["C", 0.8],
  ] as const) {
    const rnd = prng(m.charCodeAt(0));
    const lines: string[] = [];
    for (const language of ["en", "de"])
      for (let i = 0; i < 1000; i++) {
        const label = i % 4;
        const raw = [0, 1, 2, 3].map((k) => rnd() + (k === label ? skill : 0));
        const sum = raw.reduce((a, b) => a + b, 0);
        lines.push(JSON.stringify({ id: `s${i}`, language, probs: raw.map((v) => v / sum), label }));
      }
    const file = path.join(dir, `significance-${m}.jsonl`);
    writeFileSync(file, lines.join("\n") + "\n");
    const r = await importFiles({
      db: poolFor(url),
      files: [file],
      model: `Load-${m}`,
      benchmark: "LoadBench",
    });
    ids.push(r.runId);
  }
  await endPools();
  return ids;
}

function startWorker(url: string, dataDir: string): ChildProcess {
  // As npm run worker starts it (workers/v8-flags.ts): the upload is imported by this process.
  const proc = spawn(process.execPath, [...SCORING_V8_FLAGS, "--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, ATLAS_DATA_DIR: dataDir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  proc.stderr?.on("data", (d) => (err = (err + d).slice(-4000)));
  proc.on("exit", (code, signal) => {
    if (signal !== "SIGTERM" && code !== 0) log(`worker exited (code ${code}, signal ${signal}):\n${err}`);
  });
  return proc;
}

async function jobStatus(base: string, id: string): Promise<{ status: string; error?: { message: string } }> {
  const r = await fetch(`${base}/api/imports/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await r.json()) as { status: string; error?: { message: string } };
}

type Answer = { status: number; body: { job?: string; error?: unknown } };

/**
 * The upload, from another process when curl is there (so that autocannon's connections in this process do not
 * slow the client down), else from this one.
 */
function postFile(base: string, file: string): Promise<Answer> {
  const fields = ["model=Load-Import", "benchmark=LoadImport"];
  if (spawnSync("curl", ["--version"]).status === 0)
    return new Promise((resolve, reject) => {
      const args = ["-sS", "-w", "\\n%{http_code}", "-H", `Authorization: Bearer ${TOKEN}`];
      for (const f of fields) args.push("-F", f);
      args.push("-F", `file=@${file};filename=load-scores.jsonl`, `${base}/api/imports`);
      let out = "";
      const c = spawn("curl", args, { stdio: ["ignore", "pipe", "inherit"] });
      c.stdout.on("data", (d) => (out += d));
      c.on("error", reject);
      c.on("exit", () => {
        const cut = out.lastIndexOf("\n");
        try {
          resolve({ status: Number(out.slice(cut + 1)), body: JSON.parse(out.slice(0, cut)) });
        } catch {
          reject(new Error(`curl: unexpected answer ${out.slice(0, 500)}`));
        }
      });
    });
  return (async () => {
    const form = new FormData();
    for (const f of fields) form.append(f.split("=")[0], f.split("=")[1]);
    form.append("file", await openAsBlob(file), "load-scores.jsonl");
    const r = await fetch(`${base}/api/imports`, {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return { status: r.status, body: (await r.json()) as Answer["body"] };
  })();
}

async function main() {
  // Under the (git-ignored) data dir, so nothing of the bench can end up in a commit.
  const dataDir = path.resolve(readEnv("ATLAS_DATA_DIR"), `bench-load-${process.pid}`);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const db = await benchDatabase("load");
  let server: { base: string; proc: ChildProcess } | null = null;
  let worker: ChildProcess | null = null;
  try {
    const runs = await seedSignificanceRuns(db.url, dataDir);
    const file = path.join(dataDir, "load-scores.jsonl");
    log(`writing a ${SIZE}-row scores file…`);
    await writeScoresFile(file, SIZE);
    const bytes = statSync(file).size;
    ensureBuild(log);
    server = await startServer(db.url, "next", { ATLAS_API_TOKEN: TOKEN, ATLAS_DATA_DIR: dataDir });
    worker = startWorker(db.url, dataDir);
    const base = server.base;
    // Warm-up: the first request of each route compiles nothing in production, but opens pools and caches.
    for (const p of [
      "/api/health",
      "/",
      `/smoothing/significance?runA=${runs[0]}&runB=${runs[1]}&language=en`,
    ])
      await (await fetch(base + p)).arrayBuffer();

    log(`at rest: ${DURATION_S} s windows, ${CONNECTIONS} connections per endpoint`);
    const rest = await measure(base);

    log(`importing ${SIZE} rows (${(bytes / 2 ** 20).toFixed(0)} MiB) through POST /api/imports…`);
    const t0 = performance.now();
    const upload = postFile(base, file);
    const windows: { health: Window; home: Window }[] = [];
    let uploadS: number | null = null;
    let importS: number | null = null;
    let final = "running";
    let finished = false;
    const watch = (async () => {
      try {
        const u = await upload;
        uploadS = (performance.now() - t0) / 1000;
        if (u.status !== 202 || !u.body.job)
          throw new Error(`upload answered ${u.status}: ${JSON.stringify(u.body)}`);
        const job = u.body.job;
        for (;;) {
          const s = await jobStatus(base, job);
          if (s.status === "succeeded" || s.status === "failed") {
            importS = (performance.now() - t0) / 1000;
            final = s.status === "failed" ? `failed: ${s.error?.message}` : s.status;
            return;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      } finally {
        finished = true;
      }
    })();
    watch.catch(() => undefined); // awaited (and rethrown) below
    while (!finished && windows.length < MAX_WINDOWS) windows.push(await measure(base));
    if (!finished) log(`the import outlasted ${MAX_WINDOWS} windows; waiting for it to finish`);
    await watch;

    log(`${SIGNIFICANCE_REQUESTS} significance requests at once`);
    const pairs: string[] = [];
    for (const language of ["en", "de"])
      for (const a of runs)
        for (const b of runs) if (a !== b) pairs.push(`runA=${a}&runB=${b}&language=${language}`);
    const statuses: Record<string, number> = {};
    const times: number[] = [];
    const during = measure(base);
    const burst = Promise.all(
      Array.from({ length: SIGNIFICANCE_REQUESTS }, async (_, i) => {
        const t = performance.now();
        const r = await fetch(`${base}/smoothing/significance?${pairs[i % pairs.length]}`);
        await r.arrayBuffer();
        times.push(performance.now() - t);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }),
    );
    const [sig] = await Promise.all([during, burst]);

    const importing = {
      health: worst(windows.map((w) => w.health)),
      home: worst(windows.map((w) => w.home)),
    };
    const p99s = [rest, importing, sig].flatMap((p) => [p.health.p99, p.home.p99]);
    console.log(
      JSON.stringify({
        bench: "load-import",
        size: SIZE,
        bytes,
        connections: CONNECTIONS,
        window_s: DURATION_S,
        rest_health_p99_ms: rest.health.p99,
        rest_home_p99_ms: rest.home.p99,
        import_health_p99_ms: importing.health.p99,
        import_home_p99_ms: importing.home.p99,
        significance_health_p99_ms: sig.health.p99,
        significance_home_p99_ms: sig.home.p99,
        goal_p99_ms: GOAL_P99_MS,
        ok: p99s.every((p) => p < GOAL_P99_MS) && final === "succeeded",
        import: { status: final, upload_s: uploadS, total_s: importS, windows: windows.length },
        significance: { statuses, slowest_ms: Math.round(Math.max(...times)) },
        requests: { rest, importing, significance: sig },
        load_avg: loadavg().map((x) => Number(x.toFixed(2))),
        cpus: cpus().length,
      }),
    );
  } finally {
    worker?.kill("SIGTERM");
    if (server) await stopServer(server);
    await Promise.all(
      [worker, server?.proc].map((p) =>
        p && p.exitCode === null ? new Promise((r) => p.once("exit", r)) : null,
      ),
    );
    await endPools();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
