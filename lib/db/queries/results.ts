import "server-only";
/**
 * The results table: one row per (benchmark, language, model, SFT dataset, β) with every metric and its
 * interval — published rows (PublishedResult, exact decimals; language "avg" = the paper's averages)
 * and measured rows (latest completed/running run per model × language, from RunLanguageStats of both
 * binnings). Sent column-wise and only for the columns the view shows, to keep the page small.
 */
import type pg from "pg";
import { betaCell, formatBeta, passesBetaFilter } from "../../view-state/config";
import { badInput } from "../../errors";
import { versionedCache } from "../../cache/versioned";
import type { ViewState } from "../../view-state/filters";

const sig6 = (v: number | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v.toPrecision(6));

/** Metric columns. ece/mce use 15 equal-width bins and rms 15 equal-mass bins (the paper's conventions); the
 * `_em` / `_ew` variants are the other binning. Published results have accuracy, entropy, ece and rms. */
export const RESULT_METRICS = [
  "accuracy",
  "confidence",
  "overconfidence",
  "entropy",
  "ece",
  "rms",
  "mce",
  "smece",
  "sce",
  "ace",
  "brier",
  "nll",
  "ece_em",
  "rms_ew",
  "mce_em",
] as const;
export type ResultMetric = (typeof RESULT_METRICS)[number];

export const METRIC_TITLES: Record<ResultMetric, string> = {
  accuracy: "Accuracy",
  confidence: "Confidence",
  overconfidence: "Overconfidence",
  entropy: "Entropy (bits)",
  ece: "ECE (eq-width)",
  rms: "RMS (eq-mass)",
  mce: "MCE (eq-width)",
  smece: "smECE",
  sce: "SCE",
  ace: "ACE",
  brier: "Brier",
  nll: "NLL",
  ece_em: "ECE (eq-mass)",
  rms_ew: "RMS (eq-width)",
  mce_em: "MCE (eq-mass)",
};

export const TEXT_COLUMNS = [
  "source",
  "benchmark",
  "language",
  "languageName",
  "resourceClass",
  "family",
  "model",
  "sft",
  "beta",
  "n",
  "runId",
] as const;
export type TextColumn = (typeof TEXT_COLUMNS)[number];

export const DEFAULT_COLUMNS: string[] = [
  "source",
  "language",
  "model",
  "sft",
  "beta",
  "n",
  "accuracy",
  "entropy",
  "ece",
  "rms",
  "smece",
];

/** Column-wise rows. Metric values are numbers; `text` holds the exact published digits; `lo`/`hi` the intervals. */
export interface ResultsData {
  count: number;
  columns: string[];
  /** Categorical columns: values per row (the shown ones and those every row needs; others are empty arrays). */
  cat: Record<TextColumn, (string | number | null)[]>;
  /** Metric columns that are shown: value per row. */
  val: Partial<Record<ResultMetric, (number | null)[]>>;
  /** Exact published text per row (null for measured rows). */
  text: Partial<Record<ResultMetric, (string | null)[]>>;
  lo: Partial<Record<ResultMetric, (number | null)[]>>;
  hi: Partial<Record<ResultMetric, (number | null)[]>>;
}

export interface ResultsQuery {
  /** A benchmark name, or "all". */
  benchmark: string;
  sources: ("published" | "measured")[];
  families: string[];
  sft: string[];
  /** β as text, or "base". */
  betas: string[];
  languages: string[];
  /** Metric columns to send. */
  metrics: ResultMetric[];
  /** Categorical columns to send besides those every row needs (source, benchmark, language, model, beta, runId). */
  textColumns?: TextColumn[];
}

const ALWAYS_SENT: TextColumn[] = ["source", "benchmark", "language", "model", "beta", "runId"];

interface Raw {
  source: "published" | "measured";
  benchmark: string;
  language: string;
  languageName: string;
  resourceClass: number | null;
  family: string;
  model: string;
  sft: string | null;
  smoothing: number | null;
  n: number | null;
  runId: number | null;
  v: Partial<Record<ResultMetric, number | null>>;
  t: Partial<Record<ResultMetric, string | null>>;
  iv: Partial<Record<ResultMetric, [number, number] | null>>;
}

/**
 * Where each metric's bootstrap interval is stored: the equal-width (w) or equal-mass (e) row, and its key.
 * Extracted one key at a time (`->`): printing the whole intervals objects costs more than the query.
 */
const INTERVAL_SOURCE: Record<ResultMetric, string> = {
  accuracy: `w."intervals"->'accuracy'`,
  confidence: `w."intervals"->'confidence'`,
  overconfidence: `w."intervals"->'overconfidence'`,
  entropy: `w."intervals"->'entropyBits'`,
  ece: `w."intervals"->'ece'`,
  rms: `e."intervals"->'rms'`,
  mce: `w."intervals"->'mce'`,
  smece: `w."intervals"->'smece'`,
  sce: `w."intervals"->'sce'`,
  ace: `w."intervals"->'ace'`,
  brier: `w."intervals"->'brier'`,
  nll: `w."intervals"->'nll'`,
  ece_em: `e."intervals"->'ece'`,
  rms_ew: `w."intervals"->'rms'`,
  mce_em: `e."intervals"->'mce'`,
};

const PUBLISHED_COLUMNS: Partial<Record<ResultMetric, string>> = {
  accuracy: "accuracy",
  entropy: "entropy",
  ece: "ece",
  rms: "rms",
};

function keep(
  q: ResultsQuery,
  family: string,
  sft: string | null,
  smoothing: number | null,
  language: string,
): boolean {
  if (q.families.length && !q.families.includes(family)) return false;
  if (sft !== null && q.sft.length && !q.sft.includes(sft)) return false;
  if (!passesBetaFilter(q.betas, sft, smoothing)) return false;
  if (q.languages.length && !q.languages.includes(language)) return false;
  return true;
}

const resultsCache = versionedCache<ResultsData>();

/** getResults through the versioned cache. */
export function getResultsCached(pool: pg.Pool, q: ResultsQuery): Promise<ResultsData> {
  return resultsCache(pool, JSON.stringify(q), () => getResults(pool, q));
}

export async function getResults(pool: pg.Pool, q: ResultsQuery): Promise<ResultsData> {
  const all = q.benchmark === "all";
  const raws: Raw[] = [];
  const tasks: Promise<void>[] = [];
  if (q.sources.includes("published")) {
    tasks.push(
      pool
        .query<{
          benchmark: string;
          language: string | null;
          languageName: string | null;
          resourceClass: number | null;
          family: string;
          sft: string | null;
          smoothing: number | null;
          accuracy: string | null;
          entropy: string | null;
          ece: string | null;
          rms: string | null;
        }>(
          `SELECT b."name" AS benchmark, p."languageCode" AS language, l."name" AS "languageName", l."resourceClass",
                  p."family", p."sftDataset" AS sft, p."smoothing",
                  p."accuracy"::text, p."entropy"::text, p."ece"::text, p."rms"::text
           FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
           LEFT JOIN "Language" l ON l."code" = p."languageCode"
           WHERE ($1 OR b."name" = $2)`,
          [all, q.benchmark],
        )
        .then((r) => {
          for (const x of r.rows) {
            const language = x.language ?? "avg";
            if (!keep(q, x.family, x.sft, x.smoothing, language)) continue;
            const v: Raw["v"] = {};
            const t: Raw["t"] = {};
            for (const [m, col] of Object.entries(PUBLISHED_COLUMNS) as [ResultMetric, keyof typeof x][]) {
              const s = x[col] as string | null;
              t[m] = s;
              v[m] = s === null ? null : Number(s);
            }
            raws.push({
              source: "published",
              benchmark: x.benchmark,
              language,
              languageName: x.languageName ?? "average over languages",
              resourceClass: x.resourceClass,
              family: x.family,
              model: x.family,
              sft: x.sft,
              smoothing: x.smoothing,
              n: null,
              runId: null,
              v,
              t,
              iv: {},
            });
          }
        }),
    );
  }
  if (q.sources.includes("measured")) {
    tasks.push(
      pool
        .query<{
          benchmark: string;
          language: string;
          languageName: string;
          resourceClass: number;
          family: string;
          model: string;
          sft: string | null;
          smoothing: number | null;
          runId: number;
          n: number;
          accuracy: number;
          confidence: number;
          overconfidence: number;
          entropyBits: number;
          ece: number;
          rms_ew: number;
          mce: number;
          smece: number;
          sce: number | null;
          ace: number | null;
          brier: number | null;
          nll: number | null;
          ece_em: number | null;
          rms: number | null;
          mce_em: number | null;
          [iv: `iv${number}`]: [number, number] | null;
        }>(
          `SELECT DISTINCT ON (r."modelId", w."languageCode")
                  b."name" AS benchmark, w."languageCode" AS language, l."name" AS "languageName", l."resourceClass",
                  m."family", m."name" AS model, m."sftDataset" AS sft, m."smoothing", r."id" AS "runId", w."n",
                  w."accuracy", w."confidence", w."overconfidence", w."entropyBits", w."ece", w."rms" AS rms_ew, w."mce",
                  w."smece", w."sce", w."ace", w."brier", w."nll",
                  e."ece" AS ece_em, e."rms" AS rms, e."mce" AS mce_em,
                  ${q.metrics.map((m, k) => `${INTERVAL_SOURCE[m]} AS "iv${k}"`).join(", ") || "NULL AS iv0"}
           FROM "Run" r
           JOIN "Benchmark" b ON b."id" = r."benchmarkId"
           JOIN "Model" m ON m."id" = r."modelId"
           JOIN "RunLanguageStats" w ON w."runId" = r."id" AND w."binning" = 'equal-width'
           JOIN "Language" l ON l."code" = w."languageCode"
           LEFT JOIN "RunLanguageStats" e ON e."runId" = r."id" AND e."languageCode" = w."languageCode" AND e."binning" = 'equal-mass'
           WHERE ($1 OR b."name" = $2) AND r."status" IN ('completed', 'running')
           ORDER BY r."modelId", w."languageCode", r."createdAt" DESC, r."id" DESC`,
          [all, q.benchmark],
        )
        .then((r) => {
          for (const x of r.rows) {
            if (!keep(q, x.family, x.sft, x.smoothing, x.language)) continue;
            const iv: Raw["iv"] = {};
            q.metrics.forEach((m, k) => {
              iv[m] = x[`iv${k}`] ?? null;
            });
            raws.push({
              source: "measured",
              benchmark: x.benchmark,
              language: x.language,
              languageName: x.languageName,
              resourceClass: x.resourceClass,
              family: x.family,
              model: x.model,
              sft: x.sft,
              smoothing: x.smoothing,
              n: x.n,
              runId: x.runId,
              v: {
                accuracy: x.accuracy,
                confidence: x.confidence,
                overconfidence: x.overconfidence,
                entropy: x.entropyBits,
                ece: x.ece,
                rms: x.rms,
                mce: x.mce,
                smece: x.smece,
                sce: x.sce,
                ace: x.ace,
                brier: x.brier,
                nll: x.nll,
                ece_em: x.ece_em,
                rms_ew: x.rms_ew,
                mce_em: x.mce_em,
              },
              t: {},
              iv,
            });
          }
        }),
    );
  }
  await Promise.all(tasks);
  // Stable order: benchmark, source, language, family, base first, SFT dataset, β.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  raws.sort(
    (a, b) =>
      cmp(a.benchmark, b.benchmark) ||
      cmp(a.source, b.source) ||
      cmp(a.language, b.language) ||
      cmp(a.family, b.family) ||
      Number(a.sft !== null) - Number(b.sft !== null) ||
      cmp(a.sft ?? "", b.sft ?? "") ||
      (a.smoothing ?? -1) - (b.smoothing ?? -1) ||
      cmp(a.model, b.model),
  );
  const cat = Object.fromEntries(
    TEXT_COLUMNS.map((c) => [c, [] as (string | number | null)[]]),
  ) as ResultsData["cat"];
  const out: ResultsData = { count: raws.length, columns: [], cat, val: {}, text: {}, lo: {}, hi: {} };
  for (const m of q.metrics) {
    out.val[m] = [];
    out.lo[m] = [];
    out.hi[m] = [];
    if (m in PUBLISHED_COLUMNS && q.sources.includes("published")) out.text[m] = [];
  }
  const send = new Set<TextColumn>([...ALWAYS_SENT, ...(q.textColumns ?? TEXT_COLUMNS)]);
  const put = (c: TextColumn, v: string | number | null) => {
    if (send.has(c)) cat[c].push(v);
  };
  for (const r of raws) {
    put("source", r.source);
    put("benchmark", r.benchmark);
    put("language", r.language);
    put("languageName", r.languageName);
    put("resourceClass", r.resourceClass);
    put("family", r.family);
    put("model", r.model);
    put("sft", r.sft);
    put("beta", betaCell(r.sft, r.smoothing));
    put("n", r.n);
    put("runId", r.runId);
    for (const m of q.metrics) {
      out.val[m]!.push(r.v[m] ?? null);
      // Interval bounds: 6 significant digits (bootstrap percentiles; halves the page size).
      out.lo[m]!.push(sig6(r.iv[m]?.[0]));
      out.hi[m]!.push(sig6(r.iv[m]?.[1]));
      out.text[m]?.push(r.t[m] ?? null);
    }
  }
  out.columns = [...TEXT_COLUMNS, ...q.metrics];
  return out;
}

type Facets = {
  families: string[];
  sftDatasets: string[];
  betas: string[];
  languages: { code: string; name: string }[];
};
const facetsCache = versionedCache<Facets>();

/** resultFacets through the versioned cache. */
export function resultFacetsCached(pool: pg.Pool, benchmark: string): Promise<Facets> {
  return facetsCache(pool, benchmark, () => resultFacets(pool, benchmark));
}

/** Filter options: families, SFT datasets, β values and languages present for a benchmark ("all": every benchmark). */
export async function resultFacets(
  pool: pg.Pool,
  benchmark: string,
): Promise<{
  families: string[];
  sftDatasets: string[];
  betas: string[];
  languages: { code: string; name: string }[];
}> {
  const all = benchmark === "all";
  const r = await pool.query<{ family: string; sft: string | null; smoothing: number | null }>(
    `SELECT DISTINCT p."family", p."sftDataset" AS sft, p."smoothing" FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
     WHERE ($1 OR b."name" = $2)
     UNION
     SELECT DISTINCT m."family", m."sftDataset", m."smoothing" FROM "Model" m
     WHERE EXISTS (SELECT 1 FROM "Run" r JOIN "Benchmark" b ON b."id" = r."benchmarkId" WHERE r."modelId" = m."id" AND ($1 OR b."name" = $2))`,
    [all, benchmark],
  );
  const l = await pool.query<{ code: string; name: string }>(
    `SELECT l."code", l."name" FROM "Language" l
     WHERE EXISTS (SELECT 1 FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId" WHERE p."languageCode" = l."code" AND ($1 OR b."name" = $2))
        OR EXISTS (SELECT 1 FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId" JOIN "Benchmark" b ON b."id" = r."benchmarkId"
                   WHERE s."languageCode" = l."code" AND ($1 OR b."name" = $2))
     ORDER BY l."name"`,
    [all, benchmark],
  );
  return {
    families: [...new Set(r.rows.map((x) => x.family))].sort(),
    sftDatasets: [...new Set(r.rows.flatMap((x) => (x.sft ? [x.sft] : [])))].sort(),
    betas: [
      ...new Set(
        r.rows.flatMap((x) => (x.sft !== null && x.smoothing !== null ? [formatBeta(x.smoothing)] : [])),
      ),
    ].sort(),
    languages: l.rows,
  };
}

/**
 * The query and shown columns of a /results view state (the page and its data twin /api/views/results share it).
 * Throws a BAD_INPUT error naming the parameter for an unknown column.
 */
export function resultsQueryForState(
  state: Pick<ViewState, "benchmark" | "source" | "family" | "sft" | "beta" | "languages" | "cols" | "group" | "sortBy">,
): { query: ResultsQuery; shown: string[] } {
  const known = new Set<string>([...TEXT_COLUMNS, ...RESULT_METRICS]);
  const bad = [...state.cols, ...state.group, ...state.sortBy.map((s) => s.split(":")[0])].find((c) => !known.has(c));
  if (bad)
    throw badInput(`unknown column "${bad}" (columns: ${[...known].join(", ")})`, {
      field: state.cols.includes(bad) ? "cols" : state.group.includes(bad) ? "group" : "sortBy",
    });
  // Grouped and sorted columns are always shown.
  const base = state.cols.length ? state.cols : DEFAULT_COLUMNS;
  const shown = [...new Set([...base, ...state.group, ...state.sortBy.map((s) => s.split(":")[0])])];
  const sources = state.source === "both" ? (["published", "measured"] as const) : ([state.source] as const);
  return {
    shown,
    query: {
      benchmark: state.benchmark,
      sources: [...sources],
      families: state.family,
      sft: state.sft,
      betas: state.beta,
      languages: state.languages,
      metrics: RESULT_METRICS.filter((m) => shown.includes(m)) as ResultMetric[],
      textColumns: TEXT_COLUMNS.filter((c) => shown.includes(c)),
    },
  };
}
