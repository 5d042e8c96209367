import "server-only";
/**
 * The per-language × configuration table behind the heatmap and `calib report`.
 * Published cells come from PublishedResult, measured cells from RunLanguageStats (never from
 * predictions). Measured ECE uses equal-width bins and RMS equal-mass bins, the paper's conventions.
 */
import type pg from "pg";
import type { HeatmapMetric } from "../../view-state/filters";
import { passesBetaFilter } from "../../view-state/config";
import { formatBeta } from "../../format";
import { metricSpec } from "../../calibration/registry";
import { statsRow } from "./metric-columns";
import { publishedInSlice, statsFrom } from "./slices";


export type Source = "published" | "measured";

export interface HeatmapColumn {
  key: string;
  source: Source;
  family: string;
  /** Family name for published results, the model's name for measured ones. */
  model: string;
  sftDataset: string | null;
  smoothing: number | null;
  /** Key of the base-model column of the same family and source (null for base columns). */
  baseKey: string | null;
}

export interface HeatmapLanguage {
  code: string;
  name: string;
  script: string;
  resourceClass: number;
}

export interface HeatmapData {
  benchmark: string;
  metric: HeatmapMetric;
  languages: HeatmapLanguage[];
  columns: HeatmapColumn[];
  /** values[columnKey][languageCode]: exact decimal text for published, full float text for measured. */
  values: Record<string, Record<string, string>>;
  /** Measured cells: the run each value comes from, for links to reliability diagrams. */
  runs: Record<string, Record<string, number>>;
  /** Measured cells: the questions behind each value (published figures carry no n). */
  counts: Record<string, Record<string, number>>;
}

export interface HeatmapQuery {
  benchmark: string;
  metric: HeatmapMetric;
  sources: Source[];
  families?: string[];
  sft?: string[];
  /** β values as text ("0.1"), or "base" for base models. */
  betas?: string[];
  /** Slice of the questions (lib/slices/slice.ts; default all): measured cells from RunSliceStats, no published. */
  slice?: string;
}

function columnKey(source: Source, model: string, sft: string | null, smoothing: number | null) {
  return `${source}:${model}|${sft ?? ""}|${formatBeta(smoothing)}`;
}

function keep(q: HeatmapQuery, family: string, sft: string | null, smoothing: number | null): boolean {
  if (q.families?.length && !q.families.includes(family)) return false;
  if (sft !== null && q.sft?.length && !q.sft.includes(sft)) return false;
  // A tuned model with no β recorded is out of every β filter (base included): it is not on the β axis.
  if (!passesBetaFilter(q.betas, sft, smoothing)) return false;
  return true;
}

/**
 * Column order: per family, base first, then tuned models with no β recorded, then SFT dataset and β ascending;
 * a measured column sits right after the published column of the same configuration.
 */
export function compareColumns(a: Omit<HeatmapColumn, "key" | "baseKey">, b: Omit<HeatmapColumn, "key" | "baseKey">): number {
  const rank = (c: typeof a) => (c.sftDataset === null ? 0 : c.smoothing === null ? 1 : 2);
  return (
    a.family.localeCompare(b.family) ||
    rank(a) - rank(b) ||
    (a.sftDataset ?? "").localeCompare(b.sftDataset ?? "") ||
    (a.smoothing ?? -1) - (b.smoothing ?? -1) ||
    b.source.localeCompare(a.source) ||
    a.model.localeCompare(b.model)
  );
}

export async function getHeatmapData(pool: pg.Pool, q: HeatmapQuery): Promise<HeatmapData | null> {
  const bench = await pool.query<{ id: number }>(`SELECT "id" FROM "Benchmark" WHERE "name" = $1`, [q.benchmark]);
  if (!bench.rows[0]) return null;
  const benchmarkId = bench.rows[0].id;
  const columns = new Map<string, HeatmapColumn>();
  const values: HeatmapData["values"] = {};
  const runs: HeatmapData["runs"] = {};
  const counts: HeatmapData["counts"] = {};
  const langCodes = new Set<string>();

  const add = (col: Omit<HeatmapColumn, "key" | "baseKey">, lang: string, value: string | null, runId?: number, n?: number) => {
    if (value === null) return;
    const key = columnKey(col.source, col.model, col.sftDataset, col.smoothing);
    if (!columns.has(key)) columns.set(key, { ...col, key, baseKey: null });
    (values[key] ??= {})[lang] = value;
    if (runId !== undefined) (runs[key] ??= {})[lang] = runId;
    if (n !== undefined) (counts[key] ??= {})[lang] = n;
    langCodes.add(lang);
  };

  if (q.sources.includes("published") && publishedInSlice(q.slice)) {
    const m = q.metric; // PublishedResult columns are named by the metric key
    const res = await pool.query<{ lang: string; family: string; sft: string | null; smoothing: number | null; v: string | null }>(
      `SELECT "languageCode" AS lang, "family", "sftDataset" AS sft, "smoothing", "${m}"::text AS v
       FROM "PublishedResult" WHERE "benchmarkId" = $1 AND "languageCode" IS NOT NULL`,
      [benchmarkId],
    );
    for (const r of res.rows) {
      if (!keep(q, r.family, r.sft, r.smoothing)) continue;
      add({ source: "published", family: r.family, model: r.family, sftDataset: r.sft, smoothing: r.smoothing }, r.lang, r.v);
    }
  }

  if (q.sources.includes("measured")) {
    // Latest completed run per (model, language): a re-import or re-run supersedes older numbers in views.
    const res = await pool.query<{
      lang: string; family: string; model: string; sft: string | null; smoothing: number | null; v: number; run_id: number; n: number;
    }>(
      `SELECT DISTINCT ON (m."id", s."languageCode")
              s."languageCode" AS lang, m."family", m."name" AS model, m."sftDataset" AS sft, m."smoothing",
              s."${metricSpec(q.metric).stat}" AS v, r."id" AS run_id, s."n"
       FROM ${statsFrom(q.slice)} s
       JOIN "Run" r ON r."id" = s."runId"
       JOIN "Model" m ON m."id" = r."modelId"
       WHERE r."benchmarkId" = $1 AND s."binning" = $2 AND r."status" IN ('completed', 'running')
       ORDER BY m."id", s."languageCode", r."createdAt" DESC, r."id" DESC`,
      [benchmarkId, statsRow(q.metric)],
    );
    for (const r of res.rows) {
      if (!keep(q, r.family, r.sft, r.smoothing)) continue;
      add({ source: "measured", family: r.family, model: r.model, sftDataset: r.sft, smoothing: r.smoothing }, r.lang, String(r.v), r.run_id, r.n);
    }
  }

  const ordered = [...columns.values()].sort(compareColumns);
  for (const c of ordered) {
    if (c.sftDataset === null) continue;
    const base = ordered.find((b) => b.source === c.source && b.family === c.family && b.sftDataset === null);
    c.baseKey = base?.key ?? null;
  }

  const langs = await pool.query<HeatmapLanguage>(
    `SELECT "code", "name", "script", "resourceClass" FROM "Language" WHERE "code" = ANY($1) ORDER BY "code"`,
    [[...langCodes]],
  );
  return { benchmark: q.benchmark, metric: q.metric, languages: langs.rows, columns: ordered, values, runs, counts };
}

export async function listBenchmarks(pool: pg.Pool): Promise<{ name: string; optionCount: number }[]> {
  const r = await pool.query<{ name: string; optionCount: number }>(
    `SELECT "name", "optionCount" FROM "Benchmark" b
     WHERE EXISTS (SELECT 1 FROM "PublishedResult" p WHERE p."benchmarkId" = b."id")
        OR EXISTS (SELECT 1 FROM "Run" r WHERE r."benchmarkId" = b."id")
     ORDER BY "name"`,
  );
  return r.rows;
}

/**
 * Narrows a heatmap to the chosen families, SFT datasets and β values without another query: the page
 * fetches the full table once, takes its filter options from it and shows this subset. Hidden base
 * columns keep their values, so Δ-from-base still works when only tuned columns are shown.
 */
export function filterHeatmap(data: HeatmapData, q: Pick<HeatmapQuery, "families" | "sft" | "betas">): HeatmapData {
  const columns = data.columns.filter((c) => keep(q as HeatmapQuery, c.family, c.sftDataset, c.smoothing));
  const present = new Set(columns.flatMap((c) => Object.keys(data.values[c.key] ?? {})));
  // Ship only the values drawn: the kept columns and the base columns their Δ needs.
  const needed = new Set(columns.flatMap((c) => (c.baseKey ? [c.key, c.baseKey] : [c.key])));
  const pick = <T>(m: Record<string, T>) => Object.fromEntries(Object.entries(m).filter(([k]) => needed.has(k)));
  return {
    ...data,
    columns,
    languages: data.languages.filter((l) => present.has(l.code)),
    values: pick(data.values),
    runs: pick(data.runs),
    counts: pick(data.counts),
  };
}

/** The heatmap of a view state: the full table (for the filter options) and the filtered one drawn. */
export async function heatmapForState(
  pool: pg.Pool,
  state: { benchmark: string; metric: HeatmapMetric; source: Source | "both"; family: string[]; sft: string[]; beta: string[]; slice?: string },
): Promise<{ all: HeatmapData | null; data: HeatmapData | null }> {
  const sources: Source[] = state.source === "both" ? ["published", "measured"] : [state.source];
  const all = await getHeatmapData(pool, { benchmark: state.benchmark, metric: state.metric, sources, slice: state.slice });
  return { all, data: all && filterHeatmap(all, { families: state.family, sft: state.sft, betas: state.beta }) };
}
