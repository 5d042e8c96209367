/**
 * `npm run bench:views`: every view's server response and the browser render of 42 small-multiple
 * reliability diagrams, on the paper's full grid loaded as measured data.
 *
 * 1. The grid database (bench/support/views-grid.ts): 30 models × (42 × 14,042 + 29 × 11,829) = 27,984,150
 *    predictions and 4,260 RunLanguageStats rows, built once with binary COPY (a few minutes) and reused by later
 *    runs while its size and the migrations are unchanged. BENCH_QUESTIONS=n: n questions per split instead
 *    (smoke tests); BENCH_FRESH=1 rebuilds; BENCH_DB=<url> measures another database.
 * 2. A production build (reused when newer than the sources; BENCH_BUILD=1 forces one) served as `npm start`
 *    serves it (scripts/web-server.ts: Next.js behind the views' response cache); for every view BENCH_WARMUP
 *    warm-up GETs then BENCH_REQUESTS (default 25) timed GETs (full body read), sequentially; p95 per view, and the
 *    worst view's p95 as server_p95_ms. The first warm-up GET of a fixed URL renders the page (a cache miss):
 *    first_ms_by_view reports it. Views that read
 *    predictions: one question across its 30 runs, the fullest reliability bin of the largest split (first and last
 *    page), and the per-language paired bootstrap (/smoothing/significance) — a different (β pair, language) on
 *    every request, so its in-memory cache never answers.
 * 3. Debian's Chromium (playwright-core), median of BENCH_RENDERS (default 7) cold navigations to the 42 panels:
 *    render_42_ms is the client render — from the chart's first render in the browser (hydration) to the frame in
 *    which all 42 panels are in the document (React's renders of ~10k SVG elements, layout); render_42_react_ms
 *    is React's render of the panels alone (performance marks around it); navigation_42_ms is the whole navigation (server
 *    response + JS download and evaluation + hydration + client render).
 * Goals (issue 12): every view p95 < 150 ms, render_42_ms < 500 ms. Ends with one JSON line:
 *   {"bench":"views","stats_rows":…,"predictions":…,"server_p95_ms":…,"render_42_ms":…, …details}
 */
import { loadavg } from "node:os";
import pg from "pg";
import { launchBrowser } from "../testkit/browser";
import { gridDatabase, gridSizeFromEnv, type Grid } from "./support/views-grid";
import { ensureBuild, startServer, stopServer } from "./support/next-server";
import { viewUrls, type ViewUrl } from "./support/view-urls";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 25);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const RENDERS = Number(process.env.BENCH_RENDERS ?? 7);

const log = (msg: string) => process.stderr.write(`[bench:views] ${msg}\n`);

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function timeView(base: string, view: ViewUrl): Promise<{ p95: number; median: number; first: number; bytes: number }> {
  let bytes = 0;
  let n = 0;
  const get = async () => {
    const pathAndQuery = typeof view === "string" ? view : view(n);
    n++;
    const t = performance.now();
    const r = await fetch(base + pathAndQuery);
    const body = await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${pathAndQuery}: HTTP ${r.status} ${new TextDecoder().decode(body).slice(0, 300)}`);
    bytes = body.byteLength;
    return performance.now() - t;
  };
  // The first request of a fixed URL is rendered (a response-cache miss); later ones are answered from the cache
  // until the data changes. `first` reports that render.
  const first = await get();
  for (let i = 1; i < WARMUP; i++) await get();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await get());
  return { p95: p95(times), median: median(times), first, bytes };
}

async function timeRender(base: string): Promise<{ nav: number; client: number; react: number }> {
  const browser = await launchBrowser();
  try {
    const navs: number[] = [];
    const clients: number[] = [];
    const reacts: number[] = [];
    for (let i = 0; i < RENDERS + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(base + "/reliability?benchmark=GlobalMMLU", { waitUntil: "commit" });
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="panel"]').length === 42,
        undefined,
        { timeout: 60_000, polling: "raf" },
      );
      const t = await page.evaluate(() => {
        const marks = performance.getEntriesByName("reliability-render");
        const starts = performance.getEntriesByName("reliability-render-start");
        const now = performance.now();
        return {
          nav: now,
          // From the chart's first render in the browser (hydration) to the animation frame in which all 42
          // panels were found in the document (waitForFunction polls once per frame).
          client: starts.length ? now - starts[0].startTime : NaN,
          // The longest of the chart's renders: the one that drew the 42 panels (a resize re-renders only the grid).
          react: marks.length ? Math.max(...marks.map((m) => (m as PerformanceMeasure).duration)) : NaN,
        };
      });
      if (i > 0) {
        // the first navigation warms the server's and browser's caches of JS chunks
        navs.push(t.nav);
        clients.push(t.client);
        reacts.push(t.react);
      }
      await context.close();
    }
    return {
      nav: median(navs),
      client: median(clients.filter((x) => Number.isFinite(x))),
      react: median(reacts.filter((x) => Number.isFinite(x))),
    };
  } finally {
    await browser.close();
  }
}

async function main() {
  log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  const grid: Grid = process.env.BENCH_DB
    ? await measuredElsewhere(process.env.BENCH_DB)
    : await gridDatabase(gridSizeFromEnv(), { fresh: process.env.BENCH_FRESH === "1" });
  ensureBuild(log);
  // The server as `npm start` runs it (scripts/web-server.ts: Next.js behind the views' response cache).
  const server = await startServer(grid.url, "npm-start");
  try {
    const views = await viewUrls(grid.url);
    const results: Record<string, { p95: number; median: number; first: number; bytes: number }> = {};
    const only = process.env.BENCH_VIEWS?.split(",");
    for (const [name, url] of Object.entries(views)) {
      if (only && !only.includes(name)) continue;
      results[name] = await timeView(server.base, url);
      log(
        `${name.padEnd(22)} p95 ${results[name].p95.toFixed(1).padStart(7)} ms   median ${results[name].median.toFixed(1).padStart(7)} ms   first ${results[name].first.toFixed(1).padStart(7)} ms   ${(results[name].bytes / 1024).toFixed(0).padStart(5)} KiB   ${typeof url === "string" ? url : url(0)}`,
      );
    }
    log(`rendering 42 reliability panels in Chromium (${RENDERS} navigations)…`);
    const render = RENDERS > 0 ? await timeRender(server.base) : { nav: NaN, client: NaN, react: NaN };
    log(
      `42 panels: client render ${render.client.toFixed(0)} ms (first render in the browser → panels on screen; React's render of the panels alone ${render.react.toFixed(0)} ms); navigation → panels ${render.nav.toFixed(0)} ms (median of ${RENDERS})`,
    );
    const worst = Object.entries(results).sort((a, b) => b[1].p95 - a[1].p95)[0];
    const num = (x: number, d = 0) => (Number.isFinite(x) ? Number(x.toFixed(d)) : null);
    const out = {
      bench: "views",
      stats_rows: grid.statsRows,
      predictions: grid.predictions,
      // Per-language paired bootstraps stored with the statistics (lib/db/paired-stats.ts): /smoothing/significance
      // reads these rows; a pair not stored is computed on request.
      paired_rows: grid.pairedRows,
      server_p95_ms: num(worst[1].p95, 1),
      render_42_ms: num(render.client),
      render_42_react_ms: num(render.react),
      navigation_42_ms: num(render.nav),
      worst_view: worst[0],
      server_p95_by_view: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, num(v.p95, 1)])),
      // The first request of each view: rendered, not from the response cache (significance: every request is).
      first_ms_by_view: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, num(v.first, 1)])),
      kib_by_view: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, num(v.bytes / 1024)])),
      goals: { server_p95_ms: 150, render_42_ms: 500 },
      intervals: "normal approximation (grid stats; see bench/support/views-grid.ts)",
      requests_per_view: REQUESTS,
      grid_built_this_run: grid.built,
      load_avg: loadavg().map((x) => Number(x.toFixed(2))),
    };
    console.log(JSON.stringify(out));
  } finally {
    await stopServer(server);
  }
}

/** BENCH_DB=<url>: measure a database loaded some other way. */
async function measuredElsewhere(url: string): Promise<Grid> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ s: number; p: string; r: number; ps: number }>(
      `SELECT (SELECT count(*) FROM "RunLanguageStats")::int AS s, (SELECT count(*) FROM "Prediction")::text AS p,
              (SELECT count(*) FROM "Run")::int AS r, (SELECT count(*) FROM "PairedSignificance")::int AS ps`,
    );
    log(`measuring ${url}`);
    return { url, statsRows: r.rows[0].s, predictions: Number(r.rows[0].p), runs: r.rows[0].r, pairedRows: r.rows[0].ps, built: false };
  } finally {
    await c.end();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
