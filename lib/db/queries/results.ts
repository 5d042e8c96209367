import "server-only";
/**
 * The results table: one row per (benchmark, language, model, SFT dataset, β) with every metric and its
 * interval — published rows (PublishedResult, exact decimals; language "avg" = the paper's averages)
 * and measured rows (latest completed/running run per model × language, from RunLanguageStats of both
 * binnings). Sent column-wise and only for the columns the view shows, to keep the page small.
 * Columns and the view-state → query mapping: results-columns.ts; filter options: results-facets.ts.
 */
import type pg from "pg";
import { betaCell, passesBetaFilter } from "../../view-state/config";
import { sig6 } from "../../format";
import { RESULT_METRICS, type ResultMetric } from "../../calibration/registry";
import { intervalSql, PUBLISHED_COLUMNS, publishedTextSql, valueSql } from "./metric-columns";
import { TEXT_COLUMNS, type ResultsData, type ResultsQuery, type TextColumn } from "./results-columns";
import { versionedCache } from "../../cache/versioned";
import { publishedInSlice, statsFrom } from "./slices";

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
  if (q.sources.includes("published") && publishedInSlice(q.slice)) {
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
          [metric: string]: string | number | null;
        }>(
          `SELECT b."name" AS benchmark, p."languageCode" AS language, l."name" AS "languageName", l."resourceClass",
                  p."family", p."sftDataset" AS sft, p."smoothing",
                  ${publishedTextSql()}
           FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
           LEFT JOIN "Language" l ON l."code" = p."languageCode"
           WHERE ($1 OR b."name" = $2)`,
          [all, q.benchmark],
        )
        .then((r) => {
          for (const x of r.rows) {
            const language = (x.language as string | null) ?? "avg";
            if (!keep(q, x.family as string, x.sft as string | null, x.smoothing as number | null, language)) continue;
            const v: Raw["v"] = {};
            const t: Raw["t"] = {};
            for (const m of PUBLISHED_COLUMNS) {
              const s = x[m] as string | null;
              t[m] = s;
              v[m] = s === null ? null : Number(s);
            }
            raws.push({
              source: "published",
              benchmark: x.benchmark as string,
              language,
              languageName: (x.languageName as string | null) ?? "average over languages",
              resourceClass: x.resourceClass as number | null,
              family: x.family as string,
              model: x.family as string,
              sft: x.sft as string | null,
              smoothing: x.smoothing as number | null,
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
          [metric: `v${number}`]: number | null;
          [iv: `iv${number}`]: [number, number] | null;
        }>(
          `SELECT DISTINCT ON (r."modelId", w."languageCode")
                  b."name" AS benchmark, w."languageCode" AS language, l."name" AS "languageName", l."resourceClass",
                  m."family", m."name" AS model, m."sftDataset" AS sft, m."smoothing", r."id" AS "runId", w."n",
                  ${RESULT_METRICS.map((m, k) => `${valueSql(m)} AS "v${k}"`).join(", ")},
                  ${q.metrics.map((m, k) => `${intervalSql(m)} AS "iv${k}"`).join(", ") || "NULL AS iv0"}
           FROM "Run" r
           JOIN "Benchmark" b ON b."id" = r."benchmarkId"
           JOIN "Model" m ON m."id" = r."modelId"
           JOIN ${statsFrom(q.slice)} w ON w."runId" = r."id" AND w."binning" = 'equal-width'
           JOIN "Language" l ON l."code" = w."languageCode"
           LEFT JOIN ${statsFrom(q.slice)} e ON e."runId" = r."id" AND e."languageCode" = w."languageCode" AND e."binning" = 'equal-mass'
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
              v: Object.fromEntries(RESULT_METRICS.map((m, k) => [m, x[`v${k}`] ?? null])),
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
    if ((PUBLISHED_COLUMNS as string[]).includes(m) && q.sources.includes("published")) out.text[m] = [];
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

