/**
 * `npm run bench:slices`: what slices cost, side by side in one run on one synthetic GlobalMMLU-shaped run
 * (default 4 languages × 14,000 questions, K = 4; six subject categories, ~20 % CS / 50 % CA / 30 % unknown):
 *  - the statistics step (recomputeRunStats, 200 resamples for the languages, none for slices) with the questions'
 *    slice attributes cleared (RunLanguageStats only) and set (plus RunSliceStats), interleaved, best of 2 each
 *    → stats_ratio;
 *  - the heatmap and results reads, unsliced and sliced (`category:STEM`), 30 times each → p95 in ms.
 * Last line: one JSON object.
 *
 *   npm run bench:slices [-- --languages 4 --questions 14000]
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { Rng } from "../lib/calibration/index";
import { recomputeRunStats } from "../lib/db/stats";
import { getHeatmapData } from "../lib/db/queries/heatmap";
import { getResults } from "../lib/db/queries/results";
import { benchDatabase } from "./support/temp-database";

const CATEGORIES = ["STEM", "Humanities", "Social Sciences", "Medical", "Business", "Other"];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { languages: { type: "string", default: "4" }, questions: { type: "string", default: "14000" } } });
  const langs = ["sw", "yo", "de", "hi", "fr", "ja", "ar", "zh"].slice(0, Number(values.languages));
  const perLang = Number(values.questions);
  const log = (m: string) => process.stderr.write(`[bench:slices] ${m}\n`);
  const { url, drop } = await benchDatabase("slices");
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const c = await pool.connect();
    try {
      const bench = (await c.query<{ id: number }>(`INSERT INTO "Benchmark" ("name", "optionCount") VALUES ('SliceBench', 4) RETURNING "id"`)).rows[0].id;
      const model = (await c.query<{ id: number }>(`INSERT INTO "Model" ("name", "family") VALUES ('M', 'M') RETURNING "id"`)).rows[0].id;
      const run = (await c.query<{ id: number }>(
        `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "provenance", "status") VALUES ($1, $2, 'probs', 'imported', 'completed') RETURNING "id"`,
        [model, bench],
      )).rows[0].id;
      const rng = new Rng("bench-slices");
      for (const lang of langs) {
        await c.query(`INSERT INTO "Language" ("code", "name", "script", "resourceClass") VALUES ($1, $1, 'Latin', 3) ON CONFLICT DO NOTHING`, [lang]);
        const ext: string[] = [], cat: string[] = [], cul: (string | null)[] = [], gold: number[] = [], probs: string[] = [], pred: number[] = [], conf: number[] = [], ok: boolean[] = [];
        for (let i = 0; i < perLang; i++) {
          const e = Array.from({ length: 4 }, () => Math.exp(2 * rng.nextNormal()));
          const s = e.reduce((a, b) => a + b);
          const p = e.map((x) => x / s);
          const g = rng.nextInt(4);
          const m = Math.max(...p);
          ext.push(`q${i}`);
          cat.push(CATEGORIES[Math.min(5, Math.floor(rng.nextFloat() * 6))]);
          const u = rng.nextFloat();
          cul.push(u < 0.2 ? "CS" : u < 0.7 ? "CA" : null);
          gold.push(g);
          probs.push(`{${p.join(",")}}`);
          pred.push(p.indexOf(m));
          conf.push(m);
          ok.push(p.indexOf(m) === g);
        }
        await c.query(
          `WITH q AS (
             INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "optionCount", "gold", "subjectCategory", "culturalLabel")
             SELECT $1, $2, e, 4, g, sc, cl FROM unnest($3::text[], $4::int[], $5::text[], $6::text[]) AS u(e, g, sc, cl)
             RETURNING "id", "externalId")
           INSERT INTO "Prediction" ("runId", "questionId", "probs", "predicted", "confidence", "correct")
           SELECT $7, q."id", u.p::float8[], u.pr, u.cf, u.ok FROM q JOIN unnest($3::text[], $8::text[], $9::int[], $10::float8[], $11::bool[]) AS u(e, p, pr, cf, ok) ON u.e = q."externalId"`,
          [bench, lang, ext, gold, cat, cul, run, probs, pred, conf, ok],
        );
      }
      await c.query(`CREATE TEMP TABLE keep AS SELECT "id", "subjectCategory", "culturalLabel" FROM "Question"`);
      await c.query("ANALYZE");
      const clear = () => c.query(`UPDATE "Question" SET "subjectCategory" = NULL, "culturalLabel" = NULL`);
      const restore = () => c.query(`UPDATE "Question" q SET "subjectCategory" = k."subjectCategory", "culturalLabel" = k."culturalLabel" FROM keep k WHERE k."id" = q."id"`);
      const timeStats = async () => {
        const t = performance.now();
        await c.query("BEGIN");
        await recomputeRunStats(c, run);
        await c.query("COMMIT");
        return (performance.now() - t) / 1000;
      };
      log(`${langs.length} languages × ${perLang} questions; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
      const plain: number[] = [];
      const sliced: number[] = [];
      for (let k = 0; k < 2; k++) {
        await clear();
        plain.push(await timeStats());
        await restore();
        sliced.push(await timeStats());
        log(`round ${k + 1}: unsliced ${plain[k].toFixed(2)} s, sliced ${sliced[k].toFixed(2)} s`);
      }
      const p95 = async (f: () => Promise<unknown>) => {
        const ts: number[] = [];
        for (let i = 0; i < 30; i++) {
          const t = performance.now();
          await f();
          ts.push(performance.now() - t);
        }
        ts.sort((a, b) => a - b);
        return Math.round(ts[Math.ceil(0.95 * ts.length) - 1] * 10) / 10;
      };
      const heat = (slice?: string) => () => getHeatmapData(pool, { benchmark: "SliceBench", metric: "ece", sources: ["measured"], slice });
      const res = (slice?: string) => () =>
        getResults(pool, { benchmark: "SliceBench", sources: ["measured"], families: [], sft: [], betas: [], languages: [], metrics: ["ece", "accuracy"], slice });
      const out = {
        bench: "slices",
        languages: langs.length,
        questions_per_language: perLang,
        stats_s_unsliced: Math.min(...plain),
        stats_s_sliced: Math.min(...sliced),
        stats_ratio: Math.round((Math.min(...sliced) / Math.min(...plain)) * 100) / 100,
        heatmap_p95_ms_all: await p95(heat()),
        heatmap_p95_ms_slice: await p95(heat("category:STEM")),
        results_p95_ms_all: await p95(res()),
        results_p95_ms_slice: await p95(res("category:STEM")),
        load_avg: Math.round(loadavg()[0] * 10) / 10,
        cpus: cpus().length,
      };
      console.log(JSON.stringify(out));
    } finally {
      c.release();
    }
  } finally {
    await pool.end();
    await drop();
  }
}

await main();
