/**
 * `npm run bench:views`: every view's server response and the browser render of 42 small-multiple
 * reliability diagrams, on the paper's full grid loaded as measured data.
 *
 * 1. A database of its own (a temp database on DATABASE_URL's server, or on the embedded cluster; dropped
 *    at the end), migrated, with the published results imported.
 * 2. The paper grid as measured runs: 3 model families × (base + 3 SFT datasets × β ∈ {0, 0.1, 0.2}) = 30
 *    models, on GlobalMMLU (42 languages, 4 options) and MMLU-ProX (29 languages, 10 options): 60 runs,
 *    71 language splits × 30 configurations = 2,130 (run, language) pairs. Per-question probabilities come
 *    from the same generator as the test fixture (tests/support/measured-fixture.ts: shared question
 *    difficulty, per-language skill, over-confident SFT, β softening).
 *    SCALED DOWN: the paper has ~28M predictions (GlobalMMLU 14,042 questions per language, MMLU-ProX
 *    11,829); this bench generates and stores BENCH_QUESTIONS (default 400) questions per language split,
 *    i.e. 852,000 predictions. The stats table — what the views read — has its full size: 2,130 rows per
 *    binning (4,260), with reliability bins and smooth curves computed by lib/calibration from those
 *    predictions. Intervals: bootstrap with BENCH_RESAMPLES resamples (default 0 = a normal approximation
 *    of the same shape, since 200 resamples × 2,130 splits would take most of an hour on 2 cores).
 * 3. A production build (reused when newer than the sources; BENCH_BUILD=1 forces one) served by
 *    `next start`; for every view BENCH_WARMUP warm-up GETs then BENCH_REQUESTS (default 25) timed GETs
 *    (full body read), sequentially; p95 per view, and the worst view's p95 as server_p95_ms.
 * 4. Debian's Chromium (playwright-core), median of BENCH_RENDERS (default 7) cold navigations to the 42 panels:
 *    render_42_ms is the client render — from the chart's first render in the browser (hydration) to the frame in
 *    which all 42 panels are in the document (React's renders of ~10k SVG elements, layout); render_42_react_ms
 *    is React's render of the panels alone (performance marks around it); navigation_42_ms is the whole navigation (server
 *    response + JS download and evaluation + hydration + client render).
 * Ends with one JSON line:
 *   {"bench":"views","stats_rows":…,"predictions":…,"server_p95_ms":…,"render_42_ms":…, …details}
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import {
  computeMetricsForBinnings,
  labelledSet,
  bootstrapIntervals,
  Rng,
  type CalibrationMetrics,
} from "../lib/calibration";
import { benchDatabase } from "./support/temp-database";
import { ensureBuild, startServer } from "./support/app-server";
import { launchBrowser } from "../tests/support/browser";
import { endPools, poolFor } from "../lib/db/pool";
import { importPublishedFile } from "../lib/published/import";
import {
  generateSplit,
  sharpnessOf,
  skillOf,
  STATS_INSERT_SQL,
  statsParams,
} from "../tests/support/measured-fixture";

const root = path.resolve(import.meta.dirname, "..");
const Q = Number(process.env.BENCH_QUESTIONS ?? 400);
const RESAMPLES = Number(process.env.BENCH_RESAMPLES ?? 0);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 25);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const RENDERS = Number(process.env.BENCH_RENDERS ?? 7);
const FAMILIES = ["Gemma2-2B", "Llama-3.1-8B", "Mistral-7B"];
const SFTS = ["Alpaca", "OpenHermes", "Tulu3Mixture"];
const BETAS = [0, 0.1, 0.2];

const log = (msg: string) => process.stderr.write(`[bench:views] ${msg}\n`);


/** Intervals without resampling: value ± 1.96·se, se from a binomial-style approximation (same JSON shape). */
function approxIntervals(m: CalibrationMetrics): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  const n = m.n;
  const add = (k: string, v: number | null, scale = 1) => {
    if (v === null || !Number.isFinite(v)) return;
    const se = Math.sqrt(Math.max(Math.abs(v) * (1 - Math.min(1, Math.abs(v))), 1e-4) / n) * scale;
    out[k] = [v - 1.96 * se, v + 1.96 * se];
  };
  add("accuracy", m.accuracy);
  add("confidence", m.confidence, 0.5);
  add("overconfidence", m.overconfidence);
  add("entropyBits", m.entropyBits, 2);
  for (const k of ["ece", "rms", "mce", "smece", "sce", "ace", "brier", "nll"] as const) add(k, m[k]);
  return out;
}

interface Split {
  benchmark: string;
  benchmarkId: number;
  k: number;
  languages: string[];
}

async function loadGrid(url: string): Promise<{ statsRows: number; predictions: number; runs: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const benches: Split[] = [];
    for (const [name, k] of [
      ["GlobalMMLU", 4],
      ["MMLU-ProX", 10],
    ] as const) {
      const b = await c.query<{ id: number }>(
        `INSERT INTO "Benchmark" ("name", "optionCount") VALUES ($1, $2) ON CONFLICT ("name") DO UPDATE SET "name" = EXCLUDED."name" RETURNING "id"`,
        [name, k],
      );
      const l = await c.query<{ code: string }>(
        `SELECT DISTINCT "languageCode" AS code FROM "PublishedResult" WHERE "benchmarkId" = $1 AND "languageCode" IS NOT NULL ORDER BY 1`,
        [b.rows[0].id],
      );
      benches.push({ benchmark: name, benchmarkId: b.rows[0].id, k, languages: l.rows.map((x) => x.code) });
    }
    // Models: 3 families × (base + SFT × β).
    const models: { id: number; family: string; sft: string | null; beta: number | null; name: string }[] =
      [];
    for (const family of FAMILIES) {
      const base = await c.query<{ id: number }>(
        `INSERT INTO "Model" ("name", "family") VALUES ($1, $2) RETURNING "id"`,
        [`${family}`, family],
      );
      models.push({ id: base.rows[0].id, family, sft: null, beta: null, name: family });
      for (const sft of SFTS)
        for (const beta of BETAS) {
          const name = `${family}-${sft}-b${beta}`;
          const m = await c.query<{ id: number }>(
            `INSERT INTO "Model" ("name", "family", "baseModelId", "sftDataset", "smoothing") VALUES ($1, $2, $3, $4, $5) RETURNING "id"`,
            [name, family, base.rows[0].id, sft, beta],
          );
          models.push({ id: m.rows[0].id, family, sft, beta, name });
        }
    }
    const rng = new Rng("bench:views");
    let statsRows = 0;
    let predictions = 0;
    let runs = 0;
    const t0 = Date.now();
    for (const b of benches) {
      // Questions: Q per language, shared by every model (paired runs).
      const qids: Record<string, number[]> = {};
      const gold: Record<string, number[]> = {};
      const diff: Record<string, number[]> = {};
      for (const lang of b.languages) {
        const g = Array.from({ length: Q }, () => rng.nextInt(b.k));
        const ext = Array.from({ length: Q }, (_, i) => `q-${String(i).padStart(5, "0")}`);
        const r = await c.query<{ id: number }>(
          `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "subject", "text", "options", "optionCount", "gold")
           SELECT $1, $2, e, 'bench', 'Question ' || e || ' (' || $2 || ')', $3::jsonb, $4, g FROM unnest($5::text[], $6::int[]) WITH ORDINALITY AS u(e, g, o)
           ORDER BY o RETURNING "id"`,
          [
            b.benchmarkId,
            lang,
            JSON.stringify(Array.from({ length: b.k }, (_, j) => `option ${j + 1}`)),
            b.k,
            ext,
            g,
          ],
        );
        qids[lang] = r.rows.map((x) => x.id);
        gold[lang] = g;
        diff[lang] = Array.from({ length: Q }, () => rng.nextNormal() * 0.8);
      }
      for (const m of models) {
        const run = await c.query<{ id: number }>(
          `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "status", "provenance", "sourceFiles", "importerVersion",
                              "progressDone", "progressTotal", "startedAt", "finishedAt")
           VALUES ($1, $2, 'letter', 'completed', 'imported', $3::jsonb, 'bench-views/1', $4, $4, now(), now()) RETURNING "id"`,
          [
            m.id,
            b.benchmarkId,
            JSON.stringify([
              {
                path: `bench/${m.name}-${b.benchmark}.jsonl`,
                sha256: randomBytes(32).toString("hex"),
                bytes: Q * 80 * b.languages.length,
              },
            ]),
            Q * b.languages.length,
          ],
        );
        const runId = run.rows[0].id;
        runs++;
        const lines: string[] = [];
        const statsBatch: unknown[][] = [];
        for (const [li, lang] of b.languages.entries()) {
          const skill = skillOf(li) + (m.sft === null ? 0 : 0.15) - (b.k === 10 ? 0.5 : 0);
          const split = generateSplit(
            rng,
            gold[lang],
            diff[lang],
            b.k,
            skill,
            sharpnessOf(skillOf(li), m.sft, m.beta),
          );
          for (let i = 0; i < Q; i++)
            lines.push(
              `${runId}\t${qids[lang][i]}\t{${split.probs[i].map((x) => x.toPrecision(17)).join(",")}}\t{}\t${split.predicted[i]}\t${split.confidence[i]}\t${split.correct[i] ? "t" : "f"}\n`,
            );
          const set = labelledSet(split.probs, split.labels);
          const metrics = computeMetricsForBinnings(set, ["equal-width", "equal-mass"], {
            bins: 15,
          }) as Record<string, CalibrationMetrics>;
          const boot =
            RESAMPLES > 0
              ? (bootstrapIntervals(set, { resamples: RESAMPLES, seed: `${runId}/${lang}` }) as Record<
                  string,
                  Record<string, [number, number]>
                >)
              : null;
          for (const bin of ["equal-width", "equal-mass"] as const) {
            statsBatch.push(
              statsParams(runId, lang, bin, metrics[bin], boot ? boot[bin] : approxIntervals(metrics[bin])),
            );
          }
          await c.query(
            `INSERT INTO "RunSplit" ("runId", "languageCode", "status", "done", "total") VALUES ($1, $2, 'completed', $3, $3)`,
            [runId, lang, Q],
          );
        }
        await pipeline(
          Readable.from(lines),
          c.query(
            copyFrom(
              `COPY "Prediction" ("runId", "questionId", "probs", "logLikelihoods", "predicted", "confidence", "correct") FROM STDIN`,
            ),
          ),
        );
        predictions += lines.length;
        for (const p of statsBatch) await c.query(STATS_INSERT_SQL, p);
        statsRows += statsBatch.length;
      }
      log(
        `${b.benchmark}: ${models.length} runs × ${b.languages.length} languages loaded (${((Date.now() - t0) / 1000).toFixed(0)} s so far)`,
      );
    }
    await c.query(`ANALYZE`);
    return { statsRows, predictions, runs };
  } finally {
    await c.end();
  }
}

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function timeView(
  base: string,
  pathAndQuery: string,
): Promise<{ p95: number; median: number; bytes: number }> {
  let bytes = 0;
  const get = async () => {
    const t = performance.now();
    const r = await fetch(base + pathAndQuery);
    const body = await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${pathAndQuery}: HTTP ${r.status}`);
    bytes = body.byteLength;
    return performance.now() - t;
  };
  for (let i = 0; i < WARMUP; i++) await get();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await get());
  return { p95: p95(times), median: median(times), bytes };
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
  const t0 = Date.now();
  log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  // BENCH_DB=<url>: reuse a database loaded by an earlier run with BENCH_KEEP=1 (for profiling); otherwise a fresh one.
  const reuse = process.env.BENCH_DB;
  const db = reuse ? { url: reuse, drop: async () => {} } : await benchDatabase("views");
  let server: { base: string; proc: ChildProcess } | null = null;
  try {
    let grid: { statsRows: number; predictions: number; runs: number };
    if (reuse) {
      const c = new pg.Client({ connectionString: reuse });
      await c.connect();
      const r = await c.query<{ s: number; p: number; r: number }>(
        `SELECT (SELECT count(*) FROM "RunLanguageStats")::int AS s, (SELECT count(*) FROM "Prediction")::int AS p,
                (SELECT count(*) FROM "Run")::int AS r`,
      );
      await c.end();
      grid = { statsRows: r.rows[0].s, predictions: r.rows[0].p, runs: r.rows[0].r };
      log(`reusing ${reuse}`);
    } else {
      for (const f of ["published-per-language.csv", "published-summary.csv"])
        await importPublishedFile(poolFor(db.url), path.join(root, "data/published", f));
      await endPools();
      log(
        `generating the paper grid as measured runs (${Q} questions per language split; stats for every split)…`,
      );
      grid = await loadGrid(db.url);
      log(
        `loaded ${grid.runs} runs, ${grid.statsRows} stats rows, ${grid.predictions} predictions in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
      if (process.env.BENCH_KEEP === "1") log(`keeping the database: BENCH_DB=${db.url}`);
    }
    ensureBuild(log);
    server = await startServer(db.url);

    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const q = await c.query<{ id: number; run: number }>(
      `SELECT q."id", r."id" AS run FROM "Question" q JOIN "Benchmark" b ON b."id" = q."benchmarkId" JOIN "Run" r ON r."benchmarkId" = b."id"
       JOIN "Model" m ON m."id" = r."modelId" WHERE b."name" = 'GlobalMMLU' AND q."languageCode" = 'sw' AND m."name" = 'Gemma2-2B' LIMIT 1`,
    );
    await c.end();
    const views: Record<string, string> = {
      heatmap: "/",
      "heatmap-delta": "/?metric=rms&mode=delta-base&sort=resource",
      "reliability-42": "/reliability?benchmark=GlobalMMLU",
      "reliability-42x10": "/reliability?benchmark=GlobalMMLU&family=Mistral-7B&beta=0.0,0.1,0.2&smooth=on",
      "reliability-1": "/reliability?benchmark=GlobalMMLU&languages=sw&models=Gemma2-2B-Alpaca-b0.1",
      smoothing: "/smoothing?benchmark=GlobalMMLU",
      "smoothing-langs": "/smoothing?benchmark=GlobalMMLU&languages=am,sw,yo",
      results: "/results?benchmark=GlobalMMLU",
      "results-all": "/results?benchmark=all",
      runs: "/runs",
      question: `/questions/${q.rows[0].id}`,
      "bin-questions": `/questions?benchmark=GlobalMMLU&languages=sw&run=${q.rows[0].run}&bin=7`,
    };
    const results: Record<string, { p95: number; median: number; bytes: number }> = {};
    const only = process.env.BENCH_VIEWS?.split(",");
    for (const [name, url] of Object.entries(views)) {
      if (only && !only.includes(name)) continue;
      results[name] = await timeView(server.base, url);
      log(
        `${name.padEnd(18)} p95 ${results[name].p95.toFixed(1).padStart(7)} ms   median ${results[name].median.toFixed(1).padStart(7)} ms   ${(results[name].bytes / 1024).toFixed(0).padStart(5)} KiB   ${url}`,
      );
    }
    log(`rendering 42 reliability panels in Chromium (${RENDERS} navigations)…`);
    const render = RENDERS > 0 ? await timeRender(server.base) : { nav: NaN, client: NaN, react: NaN };
    log(
      `42 panels: client render ${render.client.toFixed(0)} ms (first render in the browser → panels on screen; React's render of the panels alone ${render.react.toFixed(0)} ms); navigation → panels ${render.nav.toFixed(0)} ms (median of ${RENDERS})`,
    );
    const worst = Object.entries(results).sort((a, b) => b[1].p95 - a[1].p95)[0];
    const out = {
      bench: "views",
      stats_rows: grid.statsRows,
      predictions: grid.predictions,
      server_p95_ms: Number(worst[1].p95.toFixed(1)),
      render_42_ms: Number(render.client.toFixed(0)),
      render_42_react_ms: Number(render.react.toFixed(0)),
      navigation_42_ms: Number(render.nav.toFixed(0)),
      worst_view: worst[0],
      server_p95_by_view: Object.fromEntries(
        Object.entries(results).map(([k, v]) => [k, Number(v.p95.toFixed(1))]),
      ),
      scaled: `predictions scaled down: ${Q} questions per language split instead of ~13,000 (paper grid ≈ 28M); stats table at full size`,
      intervals:
        RESAMPLES > 0 ? `bootstrap, ${RESAMPLES} resamples` : "normal approximation (BENCH_RESAMPLES=0)",
      requests_per_view: REQUESTS,
      load_avg: loadavg()[0],
    };
    console.log(JSON.stringify(out));
  } finally {
    if (server) {
      server.proc.kill("SIGTERM");
      await new Promise((r) => server!.proc.once("exit", r));
    }
    await endPools();
    if (process.env.BENCH_KEEP !== "1") await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
