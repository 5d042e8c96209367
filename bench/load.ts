/**
 * `npm run bench:load`: concurrent viewers. The app as `npm start` runs it (scripts/serve.ts; seed and worker off)
 * on the full-grid database of bench:views (bench/support/views-grid.ts: ~28M predictions, built once and cached),
 * and autocannon on loopback: BENCH_LOAD_CONNECTIONS (default 50) clients, each sending its next request as soon as
 * the last one is answered, for BENCH_LOAD_SECONDS (default 30), over a realistic mix of view URLs — mostly the
 * stats-backed overviews (heat map, reliability grids, smoothing, results, runs), plus drill-downs that read
 * predictions (single questions, reliability bins of random splits) and a few per-language paired bootstraps, each
 * with other ids so caches do not answer them. Every URL is fetched once before the timed window.
 * BENCH_LOAD_EXCLUDE=significance leaves a view out of the mix (the bootstrap is CPU-bound on the server's one thread).
 * Goal (issue 12): p99 < 500 ms, 0 errors. Ends with one JSON line:
 *   {"bench":"load","predictions":…,"connections":…,"p99_ms":…,"errors":…, …details}
 */
import { readEnv } from "../lib/env";
import autocannon from "autocannon";
import { loadavg } from "node:os";
import pg from "pg";
import { Rng } from "../lib/calibration";
import { gridDatabase, gridSizeFromEnv } from "./support/views-grid";
import { ensureBuild, startServer, stopServer } from "./support/next-server";
import { viewUrls } from "./support/view-urls";

const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 50);
/** BENCH_LOAD_EXCLUDE=significance (comma-separated view names): leave views out of the mix, to see what they cost. */
const EXCLUDE = new Set((process.env.BENCH_LOAD_EXCLUDE ?? "").split(",").filter(Boolean));
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const log = (msg: string) => process.stderr.write(`[bench:load] ${msg}\n`);

/** Share of requests (per 100) by view. */
const MIX: Record<string, number> = {
  heatmap: 15,
  "heatmap-delta": 5,
  "reliability-42": 14,
  "reliability-42x10": 5,
  "reliability-1": 10,
  smoothing: 10,
  "smoothing-langs": 5,
  results: 9,
  "results-all": 3,
  runs: 5,
  question: 8,
  bin: 8,
  significance: 3,
};

async function drillDowns(url: string, rng: Rng): Promise<{ questions: string[]; bins: string[] }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = await c.query<{ id: number }>(`SELECT "id" FROM "Question" ORDER BY md5("id"::text) LIMIT 200`);
    const b = await c.query<{ runId: number; lang: string; bin: number }>(
      `SELECT s."runId", s."languageCode" AS lang, (b.ord - 1)::int AS bin
       FROM "RunLanguageStats" s CROSS JOIN LATERAL jsonb_array_elements(s."reliability") WITH ORDINALITY AS b(x, ord)
       WHERE s."binning" = 'equal-width' AND (b.x->>'count')::int > 0 ORDER BY s."runId", 2, 3`,
    );
    const pick = <T,>(xs: T[], n: number) => Array.from({ length: n }, () => xs[rng.nextInt(xs.length)]);
    return {
      questions: pick(q.rows, 200).map((x) => `/questions/${x.id}`),
      bins: pick(b.rows, 200).map((x) => `/questions?run=${x.runId}&languages=${x.lang}&bin=${x.bin}`),
    };
  } finally {
    await c.end();
  }
}

async function main() {
  log(`load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const grid = await gridDatabase(gridSizeFromEnv(), { fresh: process.env.BENCH_FRESH === "1" });
  ensureBuild(log);
  const server = await startServer(grid.url, "npm-start");
  try {
    const rng = new Rng("bench:load");
    const views = await viewUrls(grid.url);
    const drill = await drillDowns(grid.url, rng);
    // The request sequence: 1,000 URLs drawn by MIX, shared by all clients (each request takes the next one).
    const mix = Object.fromEntries(Object.entries(MIX).filter(([k]) => !EXCLUDE.has(k)));
    const kinds = Object.entries(mix).flatMap(([k, w]) => Array<string>(w).fill(k));
    let sig = 0;
    const urls = Array.from({ length: 1000 }, () => {
      const k = kinds[rng.nextInt(kinds.length)];
      if (k === "question") return drill.questions[rng.nextInt(drill.questions.length)];
      if (k === "bin") return drill.bins[rng.nextInt(drill.bins.length)];
      const v = views[k];
      return typeof v === "string" ? v : v(sig++);
    });
    log(`warming up: ${new Set(urls).size} distinct URLs once each…`);
    for (const u of new Set(urls)) {
      // One retry: on a loaded machine a first request can lose its connection while the server warms up.
      const get = () => fetch(server.base + u).then(async (r) => ({ status: r.status, body: await r.text() }));
      const r = await get().catch((e: Error) => {
        log(`${u}: ${e.message} (${String((e.cause as Error | undefined)?.message ?? "")}); retrying once`);
        return get();
      });
      if (r.status !== 200) throw new Error(`${u}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
    }
    log(`${CONNECTIONS} clients for ${SECONDS} s…`);
    let next = 0;
    const result = await autocannon({
      url: server.base,
      connections: CONNECTIONS,
      duration: SECONDS,
      timeout: 10,
      requests: [
        {
          method: "GET",
          setupRequest: (req) => ({ ...req, path: urls[next++ % urls.length] }),
        },
      ],
    });
    // autocannon counts a timeout both in `timeouts` and in `errors`.
    const errors = result.errors + result.non2xx;
    const out = {
      bench: "load",
      predictions: grid.predictions,
      connections: CONNECTIONS,
      duration_s: SECONDS,
      requests: result.requests.total,
      requests_per_s: Math.round(result.requests.average),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      max_ms: result.latency.max,
      errors,
      timeouts: result.timeouts,
      non_2xx: result.non2xx,
      goals: { p99_ms: 500, errors: 0 },
      mix,
      server: `npm start (scripts/serve.ts → scripts/web-server.ts: Next.js behind the response cache, ${readEnv("ATLAS_WEB_PROCESSES")} process(es); ATLAS_SEED=0, ATLAS_WORKER=0)`,
      load_avg: loadavg().map((x) => Number(x.toFixed(2))),
    };
    console.log(JSON.stringify(out));
  } finally {
    await stopServer(server);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
