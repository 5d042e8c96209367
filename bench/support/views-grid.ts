/**
 * The paper's full grid as measured data, built once and cached: 3 model families × (base + 3 SFT datasets ×
 * β ∈ {0, 0.1, 0.2}) = 30 models on GlobalMMLU (42 languages × 14,042 questions, 4 options) and MMLU-ProX
 * (29 × 11,829, 10 options): 60 runs, 2,130 (run, language) splits, 27,984,150 predictions.
 *
 * The database (`atlas_views_<key>` on DATABASE_URL's server or the embedded cluster under ATLAS_DATA_DIR) is
 * kept between runs and reused while its key — grid version, questions per split, the migrations — is unchanged;
 * a build that did not finish has no "complete" comment on the database and is dropped and rebuilt. A complete grid
 * of the same size under an older key is dropped when the new one is built (a full grid is several GB).
 *
 * Predictions go in with binary COPY (lib/db/copy-binary.ts), sorted by the primary key, with FK triggers off
 * for the loading session (the rows reference questions and runs it has just written) and the questionId index
 * built once at the end. Per-question probabilities come from the test fixture's generator
 * (tests/support/measured-fixture.ts: shared question difficulty, per-language skill, over-confident SFT, β
 * softening). RunLanguageStats: the point metrics, reliability bins and smooth curves are lib/calibration's
 * (computeMetricsForBinnings — the functions lib/db/stats.ts calls), computed in-process from the generated
 * probabilities rather than by reading 28M rows back; intervals are a normal approximation of the same JSON shape
 * (200 bootstrap resamples × 2,130 splits of ~13k questions is hours on 2 cores, and no view's latency depends on
 * the interval values).
 *
 * PairedSignificance (the per-language paired bootstrap of /smoothing/significance) is filled as statistics time
 * fills it — lib/db/paired-stats.ts storeRunPairs for each reference run (β = 0 and base models), reading the stored
 * predictions — in a step of its own after the load (fillGridPairs): resumable run by run, and run on a reused grid
 * that lacks it.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { computeMetricsForBinnings, labelledSet, Rng, type CalibrationMetrics } from "../../lib/calibration";
import { ensureEmbedded, embeddedOptionsFromEnv, withDatabase } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { storeRunPairs } from "../../lib/db/paired-stats";
import { endPools, inTransaction, poolFor } from "../../lib/db/pool";
import { computeThreadFile } from "../../lib/compute/pool";
import { ThreadPool } from "../../lib/compute/thread-pool";
import { copyRows } from "../../lib/import/write/copy-writer";
import { BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from "../../lib/db/copy-binary";
import { importPublishedFile } from "../../lib/published/import";
import {
  generateSplit,
  sharpnessOf,
  skillOf,
  STATS_INSERT_SQL,
  statsParams,
} from "../../testkit/generated-predictions";

/** Bump when the generated content changes. */
const GRID_VERSION = 1;
export const FAMILIES = ["Gemma2-2B", "Llama-3.1-8B", "Mistral-7B"];
export const SFTS = ["Alpaca", "OpenHermes", "Tulu3Mixture"];
export const BETAS = [0, 0.1, 0.2];
/** Questions per language split of the real benchmarks. */
export const FULL_QUESTIONS: Record<string, number> = { GlobalMMLU: 14_042, "MMLU-ProX": 11_829 };
const BENCHMARKS = [
  ["GlobalMMLU", 4],
  ["MMLU-ProX", 10],
] as const;
const COMPLETE = "atlas bench grid: complete";
const PREDICTION_COPY_SQL = `COPY "Prediction" ("runId", "questionId", "probs", "logLikelihoods", "predicted", "confidence", "correct") FROM STDIN WITH (FORMAT binary)`;

const root = path.resolve(import.meta.dirname, "../..");
const log = (msg: string) => process.stderr.write(`[bench-grid] ${msg}\n`);

export interface GridSize {
  /** Questions per language split by benchmark. */
  questions: Record<string, number>;
}

/** BENCH_QUESTIONS=n: n questions per split on both benchmarks (smoke tests); unset: the real sizes. */
export function gridSizeFromEnv(env: Record<string, string | undefined> = process.env): GridSize {
  const n = env.BENCH_QUESTIONS;
  if (!n || n === "full") return { questions: { ...FULL_QUESTIONS } };
  const q = Number(n);
  if (!Number.isInteger(q) || q < 10) throw new Error(`BENCH_QUESTIONS must be an integer ≥ 10 or "full" (got "${n}")`);
  return { questions: { GlobalMMLU: q, "MMLU-ProX": q } };
}

export interface Grid {
  url: string;
  statsRows: number;
  predictions: number;
  runs: number;
  /** Stored paired-bootstrap rows (PairedSignificance), after fillGridPairs. */
  pairedRows: number;
  built: boolean;
}

function gridKey(size: GridSize): string {
  const migrations = readdirSync(path.join(root, "prisma/migrations")).sort();
  return createHash("sha256")
    .update(JSON.stringify({ v: GRID_VERSION, size, migrations }))
    .digest("hex")
    .slice(0, 12);
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The cached grid database for `size`, built first when missing or incomplete. */
export async function gridDatabase(size: GridSize, opts: { fresh?: boolean } = {}): Promise<Grid> {
  const serverUrl =
    process.env.DATABASE_URL || (await ensureEmbedded({ ...embeddedOptionsFromEnv(), database: "postgres" }));
  const admin = withDatabase(serverUrl, "postgres");
  const name = `atlas_views_${gridKey(size)}`;
  const url = withDatabase(serverUrl, name);
  const existing = await withClient(admin, (c) =>
    c.query<{ datname: string; comment: string | null }>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'atlas\\_views\\_%'`,
    ),
  );
  const mine = existing.rows.find((r) => r.datname === name);
  const complete = `${COMPLETE} ${JSON.stringify(size)}`;
  if (mine && mine.comment === complete && !opts.fresh) {
    await migrate(url, { quiet: true });
    const counts = await withClient(url, (c) =>
      c.query<{ s: number; p: string; r: number }>(
        `SELECT (SELECT count(*) FROM "RunLanguageStats")::int AS s, (SELECT "n"::text FROM "_BenchGrid") AS p,
                (SELECT count(*) FROM "Run")::int AS r`,
      ),
    );
    const { s, p, r } = counts.rows[0];
    log(`reusing ${name}: ${r} runs, ${Number(p).toLocaleString("en")} predictions (count taken when it was built)`);
    const pairedRows = await fillGridPairs(url);
    return { url, statsRows: s, predictions: Number(p), runs: r, pairedRows, built: false };
  }
  // Ours (incomplete or forced fresh), and complete grids of the same size from an older version or schema; grids of
  // other sizes stay (a smoke run must not drop the full one), as do other builds in progress.
  for (const r of existing.rows.filter((x) => x.datname === name || x.comment === complete)) {
    log(`dropping ${r.datname} (${r.datname === name ? "incomplete or BENCH_FRESH=1" : "older version of this grid"})`);
    await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`));
  }
  await withClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
  await migrate(url, { quiet: true });
  const t0 = Date.now();
  for (const f of ["published-per-language.csv", "published-summary.csv"])
    await importPublishedFile(poolFor(url), path.join(root, "data/published", f));
  await endPools();
  const loaded = await loadGrid(url, size);
  await withClient(url, async (c) => {
    await c.query(`CREATE TABLE "_BenchGrid" ("n" bigint NOT NULL)`);
    await c.query(`INSERT INTO "_BenchGrid" VALUES ($1)`, [loaded.predictions]);
  });
  await withClient(admin, (c) => c.query(`COMMENT ON DATABASE "${name}" IS '${complete}'`));
  const pairedRows = await fillGridPairs(url);
  log(`built ${name} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { url, ...loaded, pairedRows, built: true };
}

/**
 * Stores the comparisons of every reference run — β = 0 runs and base-model runs, run A of every pair — that has
 * none yet, each pair once (storeRunPairs asReference) and each run in its own transaction, so an interrupted fill
 * resumes where it stopped; two runs at a time with the bootstrap on two compute threads. Returns the rows stored.
 */
async function fillGridPairs(url: string): Promise<number> {
  const pool = poolFor(url);
  const count = async () => {
    const r = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "PairedSignificance"`);
    await endPools();
    return r.rows[0].n;
  };
  const todo = await pool.query<{ id: number }>(
    `SELECT r."id" FROM "Run" r JOIN "Model" m ON m."id" = r."modelId"
     WHERE ((m."smoothing" = 0 AND m."sftDataset" IS NOT NULL) OR EXISTS (SELECT 1 FROM "Model" t WHERE t."baseModelId" = m."id"))
       AND NOT EXISTS (SELECT 1 FROM "PairedSignificance" p WHERE p."runA" = r."id")
     ORDER BY r."id"`,
  );
  if (todo.rows.length === 0) return count();
  // Two runs at a time, each with up to three pairs in flight (storeRunPairs): at most six tasks on two threads.
  const threads = new ThreadPool(computeThreadFile(), 2, 8, { priority: "normal" });
  const t0 = Date.now();
  let stored = 0;
  try {
    const queue = todo.rows.map((r) => r.id);
    const lane = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const n = await inTransaction(pool, (c) => storeRunPairs(c, id, { pool: threads, asReference: true }));
        stored += n; // after the await: `stored += await …` would add to the value read before it (two lanes)
        log(`paired significance: ${stored} stored (run ${id}) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      }
    };
    await Promise.all([lane(), lane()]);
  } finally {
    await threads.close();
  }
  return count();
}

/** Intervals without resampling: value ± 1.96·se, se from a binomial-style approximation (same JSON shape). */
function approxIntervals(m: CalibrationMetrics): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  const add = (k: string, v: number | null, scale = 1) => {
    if (v === null || !Number.isFinite(v)) return;
    const se = Math.sqrt(Math.max(Math.abs(v) * (1 - Math.min(1, Math.abs(v))), 1e-4) / m.n) * scale;
    out[k] = [v - 1.96 * se, v + 1.96 * se];
  };
  add("accuracy", m.accuracy);
  add("confidence", m.confidence, 0.5);
  add("overconfidence", m.overconfidence);
  add("entropyBits", m.entropyBits, 2);
  for (const k of ["ece", "rms", "mce", "smece", "sce", "ace", "brier", "nll"] as const) add(k, m[k]);
  return out;
}

interface Bench {
  name: string;
  id: number;
  k: number;
  q: number;
  languages: string[];
  qids: Record<string, number[]>;
  gold: Record<string, number[]>;
  difficulty: Record<string, number[]>;
}

interface GridModel {
  id: number;
  sft: string | null;
  beta: number | null;
  name: string;
}

async function loadGrid(url: string, size: GridSize): Promise<Omit<Grid, "url" | "built" | "pairedRows">> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const rng = new Rng("bench:views");
    const benches: Bench[] = [];
    for (const [name, k] of BENCHMARKS) {
      const b = await c.query<{ id: number }>(
        `INSERT INTO "Benchmark" ("name", "optionCount") VALUES ($1, $2) ON CONFLICT ("name") DO UPDATE SET "name" = EXCLUDED."name" RETURNING "id"`,
        [name, k],
      );
      const l = await c.query<{ code: string }>(
        `SELECT DISTINCT "languageCode" AS code FROM "PublishedResult" WHERE "benchmarkId" = $1 AND "languageCode" IS NOT NULL ORDER BY 1`,
        [b.rows[0].id],
      );
      const bench: Bench = {
        name,
        id: b.rows[0].id,
        k,
        q: size.questions[name],
        languages: l.rows.map((x) => x.code),
        qids: {},
        gold: {},
        difficulty: {},
      };
      // Questions: q per language, shared by every model (paired runs), ids ascending in language order.
      for (const lang of bench.languages) {
        const g = Array.from({ length: bench.q }, () => rng.nextInt(k));
        const ext = Array.from({ length: bench.q }, (_, i) => `q-${String(i).padStart(5, "0")}`);
        const r = await c.query<{ id: number }>(
          `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "subject", "text", "options", "optionCount", "gold")
           SELECT $1, $2, e, 'bench', 'Question ' || e || ' (' || $2 || ')', $3::jsonb, $4, g FROM unnest($5::text[], $6::int[]) WITH ORDINALITY AS u(e, g, o)
           ORDER BY o RETURNING "id"`,
          [bench.id, lang, JSON.stringify(Array.from({ length: k }, (_, j) => `option ${j + 1}`)), k, ext, g],
        );
        bench.qids[lang] = r.rows.map((x) => x.id);
        bench.gold[lang] = g;
        bench.difficulty[lang] = Array.from({ length: bench.q }, () => rng.nextNormal() * 0.8);
      }
      benches.push(bench);
    }
    const models: GridModel[] = [];
    for (const family of FAMILIES) {
      const base = await c.query<{ id: number }>(
        `INSERT INTO "Model" ("name", "family") VALUES ($1, $1) RETURNING "id"`,
        [family],
      );
      models.push({ id: base.rows[0].id, sft: null, beta: null, name: family });
      for (const sft of SFTS)
        for (const beta of BETAS) {
          const name = `${family}-${sft}-b${beta}`;
          const m = await c.query<{ id: number }>(
            `INSERT INTO "Model" ("name", "family", "baseModelId", "sftDataset", "smoothing") VALUES ($1, $2, $3, $4, $5) RETURNING "id"`,
            [name, family, base.rows[0].id, sft, beta],
          );
          models.push({ id: m.rows[0].id, sft, beta, name });
        }
    }
    // Bulk load: FK triggers off for this session (it wrote the referenced rows itself; needs a superuser, as the
    // embedded cluster's user is — elsewhere the checks simply run), one secondary index built at the end.
    await c.query(`SET session_replication_role = replica`).catch(() => log("FK checks stay on (not a superuser)"));
    await c.query(`DROP INDEX IF EXISTS "Prediction_questionId_idx"`);
    let statsRows = 0;
    let predictions = 0;
    let runs = 0;
    const t0 = Date.now();
    for (const b of benches) {
      for (const m of models) {
        const total = b.q * b.languages.length;
        const run = await c.query<{ id: number }>(
          `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "status", "provenance", "sourceFiles", "importerVersion",
                              "progressDone", "progressTotal", "startedAt", "finishedAt")
           VALUES ($1, $2, 'letter', 'completed', 'imported', $3::jsonb, 'bench-views/1', $4, $4, now(), now()) RETURNING "id"`,
          [
            m.id,
            b.id,
            JSON.stringify([
              { path: `bench/${m.name}-${b.name}.jsonl`, sha256: randomBytes(32).toString("hex"), bytes: total * 80 },
            ]),
            total,
          ],
        );
        const runId = run.rows[0].id;
        runs++;
        const stats: unknown[][] = [];
        const writer = new BinaryRowWriter(1 << 22);
        async function* rows(): AsyncGenerator<Buffer> {
          yield COPY_BINARY_HEADER;
          for (const [li, lang] of b.languages.entries()) {
            const skill = skillOf(li) + (m.sft === null ? 0 : 0.15) - (b.k === 10 ? 0.5 : 0);
            const split = generateSplit(rng, b.gold[lang], b.difficulty[lang], b.k, skill, sharpnessOf(skillOf(li), m.sft, m.beta));
            const qids = b.qids[lang];
            for (let i = 0; i < b.q; i++) {
              writer
                .row(7)
                .int4(runId)
                .int4(qids[i])
                .float8Array(split.probs[i])
                .null()
                .int4(split.predicted[i])
                .float8(split.confidence[i])
                .bool(split.correct[i]);
              if (writer.length > 1 << 21) yield writer.take();
            }
            const metrics = computeMetricsForBinnings(labelledSet(split.probs, split.labels), ["equal-width", "equal-mass"], {
              bins: 15,
            }) as Record<"equal-width" | "equal-mass", CalibrationMetrics>;
            for (const bin of ["equal-width", "equal-mass"] as const)
              stats.push(statsParams(runId, lang, bin, metrics[bin], approxIntervals(metrics[bin])));
          }
          if (writer.length > 0) yield writer.take();
          yield COPY_BINARY_TRAILER;
        }
        predictions += await copyRows(c, PREDICTION_COPY_SQL, rows());
        await c.query(
          `INSERT INTO "RunSplit" ("runId", "languageCode", "status", "done", "total")
           SELECT $1, l, 'completed', $3, $3 FROM unnest($2::text[]) AS l`,
          [runId, b.languages, b.q],
        );
        for (const p of stats) await c.query(STATS_INSERT_SQL, p);
        statsRows += stats.length;
        const s = (Date.now() - t0) / 1000;
        log(`${b.name} ${m.name}: ${predictions.toLocaleString("en")} predictions in ${s.toFixed(0)} s (${Math.round(predictions / s).toLocaleString("en")}/s)`);
      }
    }
    await c.query(`RESET session_replication_role`);
    log("building the Prediction(questionId) index…");
    await c.query(`SET maintenance_work_mem = '1GB'`);
    await c.query(`CREATE INDEX "Prediction_questionId_idx" ON "Prediction"("questionId")`);
    log("ANALYZE…");
    await c.query(`VACUUM (ANALYZE)`);
    return { statsRows, predictions, runs };
  } finally {
    await c.end();
  }
}
