import "server-only";
/**
 * Label smoothing (β) comparison: per language and on average over languages, ECE / RMS / accuracy /
 * entropy of each model family × SFT dataset against β, each β tested against β = 0:
 *  - average over languages: paired t-test across languages (lib/calibration pairedTTest);
 *  - one language, measured runs: paired bootstrap over the questions, on request only
 *    (pairedBootstrapSignificance below, behind /smoothing/significance — it reads the predictions of two runs);
 *  - one language, published figures: no test is possible (a single number per configuration).
 * Reads PublishedResult and RunLanguageStats; never predictions (except that explicit request).
 */
import type pg from "pg";
import {
  pairedTTest,
  topLabelSet,
  type CalibrationInput,
  type PairedDifference,
} from "../../calibration";
import { badInput } from "../../errors";
import { pairedBootstrapBasicOffThread, type PairedInput } from "../../compute/bootstrap-pool";
import { LruCache } from "../../cache/lru-cache";
import { formatBeta } from "../../view-state/config";
import { METRIC_BETTER, type ViewState } from "../../view-state/filters";
import { versionedCache } from "../../cache/versioned";

export const SMOOTHING_METRICS = ["ece", "rms", "accuracy", "entropy"] as const;
export type SmoothingMetric = (typeof SMOOTHING_METRICS)[number];
/** Lower is better for these (bold in the headline table); accuracy: higher; entropy: neither. */
export const BETTER: Record<SmoothingMetric, "lower" | "higher" | null> = METRIC_BETTER;
export const ALPHA = 0.05;

interface Cell {
  source: "published" | "measured";
  family: string;
  model: string;
  sft: string | null;
  beta: number | null;
  language: string;
  runId: number | null;
  values: Record<SmoothingMetric, number | null>;
  /** Exact published text. */
  text: Partial<Record<SmoothingMetric, string | null>>;
}

export interface SmoothingPoint {
  beta: string;
  /** Model name (published: the family). */
  model: string;
  runId: number | null;
  value: Record<SmoothingMetric, number | null>;
  text: Partial<Record<SmoothingMetric, string | null>>;
  /** Languages behind an average. */
  n: number;
  /** Versus β = 0 (null for β = 0 itself, or when no test is possible). */
  test: "t-test" | "bootstrap" | null;
  p: Partial<Record<SmoothingMetric, number | null>>;
}

export interface SmoothingSeries {
  key: string;
  source: "published" | "measured";
  family: string;
  sft: string;
  /** The base model's value (horizontal reference line). */
  base: Record<SmoothingMetric, number | null>;
  baseModel: string | null;
  points: SmoothingPoint[];
}

export interface SmoothingPanel {
  /** "avg" or a language code. */
  language: string;
  label: string;
  series: SmoothingSeries[];
}

export interface HeadlineRow {
  source: "published" | "measured";
  family: string;
  sft: string;
  /** Languages paired in the test. */
  n: number;
  a: Record<SmoothingMetric, number | null>;
  b: Record<SmoothingMetric, number | null>;
  p: Record<SmoothingMetric, number | null>;
  /** The paper's own averages (PublishedResult with no language), when present. */
  paperA: Partial<Record<SmoothingMetric, string | null>>;
  paperB: Partial<Record<SmoothingMetric, string | null>>;
}

export interface SmoothingData {
  benchmark: string;
  betas: string[];
  panels: SmoothingPanel[];
  headline: HeadlineRow[];
  betaA: string;
  betaB: string;
  facets: {
    families: string[];
    sftDatasets: string[];
    languages: { code: string; name: string }[];
    sources: string[];
  };
}

export interface SmoothingQuery {
  benchmark: string;
  sources: ("published" | "measured")[];
  families: string[];
  sft: string[];
  languages: string[];
  betaA: string;
  betaB: string;
}

/** The query behind `/smoothing` and its data twin, from the view state (`source=both` reads both). */
export function smoothingQueryForState(state: ViewState): SmoothingQuery {
  return {
    benchmark: state.benchmark,
    sources: state.source === "both" ? ["published", "measured"] : [state.source],
    families: state.family,
    sft: state.sft,
    languages: state.languages,
    betaA: state.betaA,
    betaB: state.betaB,
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

async function loadCells(pool: pg.Pool, benchmark: string, sources: SmoothingQuery["sources"]) {
  const cells: Cell[] = [];
  const paper: Cell[] = [];
  const tasks: Promise<void>[] = [];
  if (sources.includes("published"))
    tasks.push(
      pool
        .query<{
          language: string | null;
          family: string;
          sft: string | null;
          smoothing: number | null;
          accuracy: string | null;
          entropy: string | null;
          ece: string | null;
          rms: string | null;
        }>(
          `SELECT p."languageCode" AS language, p."family", p."sftDataset" AS sft, p."smoothing",
                  p."accuracy"::text, p."entropy"::text, p."ece"::text, p."rms"::text
           FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId" WHERE b."name" = $1`,
          [benchmark],
        )
        .then((r) => {
          for (const x of r.rows) {
            const text = { accuracy: x.accuracy, entropy: x.entropy, ece: x.ece, rms: x.rms };
            const num = (s: string | null) => (s === null ? null : Number(s));
            const c: Cell = {
              source: "published",
              family: x.family,
              model: x.family,
              sft: x.sft,
              beta: x.smoothing,
              language: x.language ?? "avg",
              runId: null,
              values: {
                accuracy: num(x.accuracy),
                entropy: num(x.entropy),
                ece: num(x.ece),
                rms: num(x.rms),
              },
              text,
            };
            (x.language === null ? paper : cells).push(c);
          }
        }),
    );
  if (sources.includes("measured"))
    tasks.push(
      pool
        .query<{
          language: string;
          family: string;
          model: string;
          sft: string | null;
          smoothing: number | null;
          runId: number;
          accuracy: number;
          entropyBits: number;
          ece: number;
          rms: number | null;
        }>(
          `SELECT DISTINCT ON (r."modelId", w."languageCode")
                  w."languageCode" AS language, m."family", m."name" AS model, m."sftDataset" AS sft, m."smoothing", r."id" AS "runId",
                  w."accuracy", w."entropyBits", w."ece", e."rms"
           FROM "Run" r JOIN "Benchmark" b ON b."id" = r."benchmarkId" JOIN "Model" m ON m."id" = r."modelId"
           JOIN "RunLanguageStats" w ON w."runId" = r."id" AND w."binning" = 'equal-width'
           LEFT JOIN "RunLanguageStats" e ON e."runId" = r."id" AND e."languageCode" = w."languageCode" AND e."binning" = 'equal-mass'
           WHERE b."name" = $1 AND r."status" IN ('completed', 'running')
           ORDER BY r."modelId", w."languageCode", r."createdAt" DESC, r."id" DESC`,
          [benchmark],
        )
        .then((r) => {
          for (const x of r.rows)
            cells.push({
              source: "measured",
              family: x.family,
              model: x.model,
              sft: x.sft,
              beta: x.smoothing,
              language: x.language,
              runId: x.runId,
              values: { accuracy: x.accuracy, entropy: x.entropyBits, ece: x.ece, rms: x.rms },
              text: {},
            });
        }),
    );
  await Promise.all(tasks);
  return { cells, paper };
}

/** Paired t-test of metric(β) vs metric(β0) over the languages that have both; p-value or null. */
function tTest(
  byLangA: Map<string, Cell>,
  byLangB: Map<string, Cell>,
  m: SmoothingMetric,
): { p: number | null; n: number } {
  const a: number[] = [];
  const b: number[] = [];
  for (const [lang, ca] of byLangA) {
    const cb = byLangB.get(lang);
    const va = ca.values[m];
    const vb = cb?.values[m];
    if (va === null || vb === null || vb === undefined) continue;
    a.push(va);
    b.push(vb);
  }
  if (a.length < 2) return { p: null, n: a.length };
  const r = pairedTTest(b, a);
  return { p: Number.isNaN(r.pValue) ? null : r.pValue, n: a.length };
}

const smoothingCache = versionedCache<SmoothingData | null>();

/** getSmoothingData through the versioned cache (lib/db/queries/results.ts). */
export function getSmoothingDataCached(pool: pg.Pool, q: SmoothingQuery): Promise<SmoothingData | null> {
  return smoothingCache(pool, JSON.stringify(q), () => getSmoothingData(pool, q));
}

export async function getSmoothingData(pool: pg.Pool, q: SmoothingQuery): Promise<SmoothingData | null> {
  const bench = await pool.query(`SELECT 1 FROM "Benchmark" WHERE "name" = $1`, [q.benchmark]);
  if (!bench.rowCount) return null;
  const { cells: all, paper } = await loadCells(pool, q.benchmark, q.sources);
  const keepCfg = (c: Cell) =>
    (!q.families.length || q.families.includes(c.family)) &&
    (c.sft === null || !q.sft.length || q.sft.includes(c.sft));
  const cells = all.filter(keepCfg);

  // group: source|family|sft|β → language → cell
  const groups = new Map<string, Map<string, Cell>>();
  const gkey = (c: Pick<Cell, "source" | "family" | "sft" | "beta">) =>
    `${c.source}|${c.family}|${c.sft ?? ""}|${c.sft === null ? "base" : formatBeta(c.beta)}`;
  for (const c of cells) {
    const k = gkey(c);
    if (!groups.has(k)) groups.set(k, new Map());
    groups.get(k)!.set(c.language, c);
  }
  const configs = new Map<
    string,
    { source: Cell["source"]; family: string; sft: string; betas: Set<string> }
  >();
  for (const c of cells) {
    // Base models are the reference line; tuned models with no β recorded are not on the β axis at all.
    if (c.sft === null || c.beta === null) continue;
    const k = `${c.source}|${c.family}|${c.sft}`;
    if (!configs.has(k)) configs.set(k, { source: c.source, family: c.family, sft: c.sft, betas: new Set() });
    configs.get(k)!.betas.add(formatBeta(c.beta));
  }
  const betas = [...new Set([...configs.values()].flatMap((c) => [...c.betas]))].sort(
    (a, b) => Number(a) - Number(b),
  );
  const zero = betas.includes("0.0") ? "0.0" : betas[0];
  const ordered = [...configs.entries()].sort(([a], [b]) => a.localeCompare(b));

  const languageNames = new Map<string, string>();
  const langRows = await pool.query<{ code: string; name: string }>(
    `SELECT "code", "name" FROM "Language" WHERE "code" = ANY($1)`,
    [[...new Set(all.map((c) => c.language))]],
  );
  for (const l of langRows.rows) languageNames.set(l.code, l.name);

  const avgValue = (byLang: Map<string, Cell> | undefined, m: SmoothingMetric) =>
    byLang
      ? mean([...byLang.values()].flatMap((c) => (c.values[m] === null ? [] : [c.values[m] as number])))
      : null;

  const panels: SmoothingPanel[] = [];
  for (const language of ["avg", ...q.languages]) {
    const series: SmoothingSeries[] = [];
    for (const [k, cfg] of ordered) {
      const baseGroup = groups.get(`${cfg.source}|${cfg.family}||base`);
      const ref = groups.get(`${k}|${zero}`);
      const points: SmoothingPoint[] = [];
      for (const beta of betas) {
        const g = groups.get(`${k}|${beta}`);
        if (!g) continue;
        if (language === "avg") {
          const value = {} as Record<SmoothingMetric, number | null>;
          const p: SmoothingPoint["p"] = {};
          let n = 0;
          for (const m of SMOOTHING_METRICS) {
            value[m] = avgValue(g, m);
            if (beta !== zero && ref) {
              const t = tTest(ref, g, m);
              p[m] = t.p;
              n = Math.max(n, t.n);
            }
          }
          points.push({
            beta,
            model: [...g.values()][0].model,
            runId: null,
            value,
            text: {},
            n: beta === zero ? g.size : n,
            test: beta === zero ? null : "t-test",
            p,
          });
        } else {
          const c = g.get(language);
          if (!c) continue;
          points.push({
            beta,
            model: c.model,
            runId: c.runId,
            value: c.values,
            text: c.text,
            n: 1,
            test: null,
            p: {},
          });
        }
      }
      if (!points.length) continue;
      const baseCell = language === "avg" ? null : baseGroup?.get(language);
      series.push({
        key: k,
        source: cfg.source,
        family: cfg.family,
        sft: cfg.sft,
        base: Object.fromEntries(
          SMOOTHING_METRICS.map((m) => [
            m,
            language === "avg" ? avgValue(baseGroup, m) : (baseCell?.values[m] ?? null),
          ]),
        ) as Record<SmoothingMetric, number | null>,
        baseModel:
          language === "avg"
            ? baseGroup
              ? [...baseGroup.values()][0].model
              : null
            : (baseCell?.model ?? null),
        points,
      });
    }
    panels.push({
      language,
      label:
        language === "avg"
          ? "Average over languages"
          : `${languageNames.get(language) ?? language} (${language})`,
      series,
    });
  }

  // Headline (Table 1): per source × family × SFT dataset, β = betaA vs betaB averaged over languages, paired t-tests.
  const headline: HeadlineRow[] = [];
  for (const [k, cfg] of ordered) {
    const ga = groups.get(`${k}|${q.betaA}`);
    const gb = groups.get(`${k}|${q.betaB}`);
    if (!ga || !gb) continue;
    const row: HeadlineRow = {
      source: cfg.source,
      family: cfg.family,
      sft: cfg.sft,
      n: 0,
      a: {} as HeadlineRow["a"],
      b: {} as HeadlineRow["b"],
      p: {} as HeadlineRow["p"],
      paperA: {},
      paperB: {},
    };
    for (const m of SMOOTHING_METRICS) {
      // Means over the languages that have both, so that the columns compare like with like.
      const pa: number[] = [];
      const pb: number[] = [];
      for (const [lang, ca] of ga) {
        const vb = gb.get(lang)?.values[m];
        if (ca.values[m] === null || vb === null || vb === undefined) continue;
        pa.push(ca.values[m] as number);
        pb.push(vb);
      }
      row.a[m] = mean(pa);
      row.b[m] = mean(pb);
      row.n = Math.max(row.n, pa.length);
      row.p[m] = pa.length >= 2 ? pairedTTest(pb, pa).pValue : null;
      if (row.p[m] !== null && Number.isNaN(row.p[m])) row.p[m] = null;
    }
    if (cfg.source === "published") {
      const find = (beta: string) =>
        paper.find((c) => c.family === cfg.family && c.sft === cfg.sft && formatBeta(c.beta) === beta);
      row.paperA = find(q.betaA)?.text ?? {};
      row.paperB = find(q.betaB)?.text ?? {};
    }
    headline.push(row);
  }

  const facetLangs = [...new Set(all.map((c) => c.language))].filter((l) => l !== "avg").sort();
  return {
    benchmark: q.benchmark,
    betas,
    panels,
    headline,
    betaA: q.betaA,
    betaB: q.betaB,
    facets: {
      families: [...new Set(all.map((c) => c.family))].sort(),
      sftDatasets: [...new Set(all.flatMap((c) => (c.sft ? [c.sft] : [])))].sort(),
      languages: facetLangs.map((code) => ({ code, name: languageNames.get(code) ?? code })),
      sources: [...new Set(all.map((c) => c.source))],
    },
  };
}

/** Largest language split the on-request paired bootstrap accepts (two runs × this many questions). */
export const BOOTSTRAP_MAX_QUESTIONS = 20000;
export const BOOTSTRAP_RESAMPLES = 200;

export interface PairedSignificance {
  runA: number;
  runB: number;
  language: string;
  n: number;
  resamples: number;
  /** metric → { a, b, difference (b − a), interval, p } with a = run A (β = 0) and b = run B. */
  metrics: Partial<
    Record<
      SmoothingMetric,
      { a: number; b: number; difference: number; interval: [number, number]; p: number }
    >
  >;
}

/** Settled results by (runs, language, stats time); concurrent identical requests share one computation. */
const significanceCache = new LruCache<PairedSignificance>({ maxEntries: 500 });
/** How many computations started (tests check that identical concurrent requests share one). */
export const significanceComputations = { count: 0 };

/**
 * Paired bootstrap (seeded; lib/calibration pairedBootstrapBasic: pairedBootstrap's numbers for the three metrics
 * shown) of run B against run A over the questions of one language that both runs answered. Reads the predictions of those two runs only; refuses splits
 * larger than BOOTSTRAP_MAX_QUESTIONS. Results are cached per (runs, language, stats time); concurrent identical
 * requests share one computation, and the resamples run on a compute thread (lib/compute), never on the event
 * loop. Throws PoolBusy (lib/compute/thread-pool.ts) when too many different computations are waiting.
 */
export async function pairedBootstrapSignificance(
  pool: pg.Pool,
  runA: number,
  runB: number,
  language: string,
): Promise<PairedSignificance> {
  const runs = await pool.query<{ id: number; benchmarkId: number; computedAt: Date | null }>(
    `SELECT r."id", r."benchmarkId", max(s."computedAt") AS "computedAt" FROM "Run" r
     LEFT JOIN "RunLanguageStats" s ON s."runId" = r."id" AND s."languageCode" = $2
     WHERE r."id" = ANY($1) GROUP BY r."id"`,
    [[runA, runB], language],
  );
  if (runs.rows.length !== 2) throw badInput(`runs ${runA} and ${runB} must both exist`, { field: "runs" });
  if (runs.rows[0].benchmarkId !== runs.rows[1].benchmarkId)
    throw badInput("the two runs are on different benchmarks", { field: "runs" });
  const key = `${runA}|${runB}|${language}|${runs.rows.map((r) => r.computedAt?.toISOString()).join("|")}`;
  return significanceCache.getOrCompute(key, () =>
    computeSignificance(pool, runA, runB, language, runs.rows[0].benchmarkId),
  );
}

async function computeSignificance(
  pool: pg.Pool,
  runA: number,
  runB: number,
  language: string,
  benchmarkId: number,
): Promise<PairedSignificance> {
  significanceComputations.count++;
  const count = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Question" q WHERE q."benchmarkId" = $1 AND q."languageCode" = $2`,
    [benchmarkId, language],
  );
  if (count.rows[0].n > BOOTSTRAP_MAX_QUESTIONS)
    throw badInput(
      `${count.rows[0].n} questions in this split: the on-request bootstrap takes at most ${BOOTSTRAP_MAX_QUESTIONS}`,
      { field: "language" },
    );
  // Labelled predictions (the usual case): one row with both runs' probabilities and the gold answers as text, each
  // run read as one range of the Prediction key (materialized, so the planner cannot turn it back into one index
  // probe per question), hash-joined to the language's questions (as the bin drill-down, questions.ts); Postgres's float8 text round-trips exactly. The
  // compute thread parses it and resamples, so the request thread only moves two strings.
  const text = await pool.query<{ n: number; labelled: boolean | null; pa: string | null; pb: string | null; gold: string | null }>(
    `WITH lang AS MATERIALIZED (SELECT "id", "gold" FROM "Question" WHERE "benchmarkId" = $3 AND "languageCode" = $4),
          span AS MATERIALIZED (SELECT min("id") AS lo, max("id") AS hi FROM lang),
          pa AS MATERIALIZED (SELECT "questionId" AS id, "probs" FROM "Prediction"
                              WHERE "runId" = $1 AND "questionId" BETWEEN (SELECT lo FROM span) AND (SELECT hi FROM span)),
          pb AS MATERIALIZED (SELECT "questionId" AS id, "probs" FROM "Prediction"
                              WHERE "runId" = $2 AND "questionId" BETWEEN (SELECT lo FROM span) AND (SELECT hi FROM span))
     SELECT count(*)::int AS n,
            bool_and(coalesce(lang."gold" IS NOT NULL AND cardinality(pa."probs") > 0 AND cardinality(pb."probs") > 0, false)) AS labelled,
            string_agg(array_to_string(pa."probs", ','), ';' ORDER BY lang."id") AS pa,
            string_agg(array_to_string(pb."probs", ','), ';' ORDER BY lang."id") AS pb,
            string_agg(lang."gold"::text, ',' ORDER BY lang."id") AS gold
     FROM lang JOIN pa ON pa.id = lang."id" JOIN pb ON pb.id = lang."id"`,
    [runA, runB, benchmarkId, language],
  );
  const n = text.rows[0].n;
  if (n < 10) throw badInput(`only ${n} questions answered by both runs in ${language}`, { field: "language" });
  const t = text.rows[0];
  const input: PairedInput =
    t.labelled === true && t.pa !== null && t.pb !== null && t.gold !== null
      ? { text: { a: t.pb, b: t.pa, gold: t.gold } }
      : await topLabelPair(pool, runA, runB, benchmarkId, language);
  const out: PairedSignificance = {
    runA,
    runB,
    language,
    n,
    resamples: BOOTSTRAP_RESAMPLES,
    metrics: {},
  };
  // pairedBootstrap reports a − b; we report b − a (β vs β = 0). ECE with 15 equal-width bins. Only the three
  // metrics the view shows are resampled (lib/calibration/paired-basic.ts): tens of ms per pair instead of seconds.
  const ew = await pairedBootstrapBasicOffThread(input, {
    resamples: BOOTSTRAP_RESAMPLES,
    seed: `smoothing/${runA}/${runB}/${language}`,
  });
  const put = (m: SmoothingMetric, d: PairedDifference | undefined) => {
    if (d) out.metrics[m] = { a: d.b, b: d.a, difference: d.difference, interval: d.interval, p: d.pValue };
  };
  put("ece", ew.ece);
  put("accuracy", ew.accuracy);
  put("entropy", ew.entropyBits);
  return out;
}

/**
 * Predictions without gold or probabilities (top-label imports): confidence and correctness per row, with the
 * probabilities when every row has them. Run B first (pairedBootstrap reports first − second).
 */
async function topLabelPair(
  pool: pg.Pool,
  runA: number,
  runB: number,
  benchmarkId: number,
  language: string,
): Promise<PairedInput> {
  const r = await pool.query<{ pa: number[] | null; pb: number[] | null; ca: number; cb: number; oka: boolean; okb: boolean }>(
    `SELECT a."probs" AS pa, b."probs" AS pb, a."confidence" AS ca, b."confidence" AS cb, a."correct" AS oka, b."correct" AS okb
     FROM "Question" q
     JOIN "Prediction" a ON a."questionId" = q."id" AND a."runId" = $1
     JOIN "Prediction" b ON b."questionId" = q."id" AND b."runId" = $2
     WHERE q."benchmarkId" = $3 AND q."languageCode" = $4
     ORDER BY q."id"`,
    [runA, runB, benchmarkId, language],
  );
  const probs = r.rows.every((x) => x.pa?.length && x.pb?.length);
  const set = (c: "ca" | "cb", ok: "oka" | "okb", p: "pa" | "pb"): CalibrationInput =>
    topLabelSet(
      r.rows.map((x) => x[c]),
      r.rows.map((x) => x[ok]),
      probs ? r.rows.map((x) => x[p] as number[]) : null,
    );
  return { a: set("cb", "okb", "pb"), b: set("ca", "oka", "pa") };
}
