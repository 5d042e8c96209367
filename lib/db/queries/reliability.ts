import "server-only";
/**
 * Reliability diagrams: the stored RunLanguageStats rows (bins, intervals, smooth curve) of the selected
 * measured models, one per (model, language) — the latest completed or running run, as in the heatmap.
 * Never reads predictions.
 */
import type pg from "pg";
import type { BinningScheme } from "../../view-state/filters";
import { formatBeta } from "./heatmap";

export interface MeasuredModel {
  id: number;
  name: string;
  family: string;
  sftDataset: string | null;
  smoothing: number | null;
  baseModelId: number | null;
  /** Languages with stats for this benchmark. */
  languages: number;
}

export interface StoredBin {
  lower: number;
  upper: number;
  count: number;
  accuracy: number | null;
  confidence: number | null;
  accLo: number | null;
  accHi: number | null;
}

/** A stored bin as sent to the browser: [lower, upper, count, accuracy, confidence, accLo, accHi] (compact payload). */
export type BinTuple = [number, number, number, number | null, number | null, number | null, number | null];

export function encodeBin(b: StoredBin): BinTuple {
  return [b.lower, b.upper, b.count, b.accuracy, b.confidence, b.accLo, b.accHi];
}

export function decodeBin(t: BinTuple): StoredBin {
  return {
    lower: t[0],
    upper: t[1],
    count: t[2],
    accuracy: t[3],
    confidence: t[4],
    accLo: t[5],
    accHi: t[6],
  };
}

export interface StatsRow {
  runId: number;
  model: string;
  language: string;
  binning: string;
  bins: number;
  n: number;
  accuracy: number;
  confidence: number;
  overconfidence: number;
  entropyBits: number;
  ece: number;
  rms: number;
  mce: number;
  smece: number;
  /** Bootstrap intervals of the metrics the view shows (ece, rms, mce, smece, accuracy). */
  intervals: Record<string, [number, number]>;
  reliability: BinTuple[];
  /** The smoothed reliability curve as [c, acc] pairs (every other stored point), when asked for. */
  smoothCurve: [number, number][] | null;
}

const SHOWN_INTERVALS = ["ece", "rms", "mce", "smece", "accuracy"];

export interface ReliabilitySeries {
  model: string;
  family: string;
  sftDataset: string | null;
  smoothing: number | null;
  /** Name of the base model drawn beside it (null for a base model). */
  base: string | null;
  label: string;
}

export interface PanelLanguage {
  code: string;
  name: string;
  script: string;
  resourceClass: number;
}

export interface ReliabilityData {
  benchmark: string;
  binning: BinningScheme;
  /** Bin counts stored for this selection (normally just 15). */
  storedBins: number[];
  series: ReliabilitySeries[];
  languages: PanelLanguage[];
  /** stats[model][language] */
  stats: Record<string, Record<string, StatsRow>>;
  /** Every measured model of the benchmark, for the model picker. */
  models: MeasuredModel[];
  /** Every language with measured stats for the benchmark, for the language picker. */
  allLanguages: PanelLanguage[];
}

export interface ReliabilityQuery {
  benchmark: string;
  binning: BinningScheme;
  models: string[];
  families: string[];
  sft: string[];
  betas: string[];
  languages: string[];
  smooth: boolean;
}

export function seriesLabel(m: Pick<MeasuredModel, "name" | "sftDataset" | "smoothing">): string {
  return m.sftDataset === null
    ? `${m.name} (base)`
    : `${m.name} (${m.sftDataset}, β=${formatBeta(m.smoothing)})`;
}

export async function benchmarkId(pool: pg.Pool, name: string): Promise<number | null> {
  const r = await pool.query<{ id: number }>(`SELECT "id" FROM "Benchmark" WHERE "name" = $1`, [name]);
  return r.rows[0]?.id ?? null;
}

/** Measured models of a benchmark (with at least one stats row). */
export async function measuredModels(pool: pg.Pool, benchId: number): Promise<MeasuredModel[]> {
  const r = await pool.query<MeasuredModel>(
    `SELECT m."id", m."name", m."family", m."sftDataset", m."smoothing", m."baseModelId",
            count(DISTINCT s."languageCode")::int AS languages
     FROM "Model" m JOIN "Run" r ON r."modelId" = m."id" AND r."benchmarkId" = $1 AND r."status" IN ('completed', 'running')
     JOIN "RunLanguageStats" s ON s."runId" = r."id" AND s."binning" = 'equal-width'
     GROUP BY m."id"
     ORDER BY m."family", (m."sftDataset" IS NOT NULL), m."sftDataset", m."smoothing" NULLS FIRST, m."name"`,
    [benchId],
  );
  return r.rows;
}

/** Which models to draw: the named ones (each tuned one with its base), else a family's base and its variants. */
export function selectSeries(
  models: MeasuredModel[],
  q: Pick<ReliabilityQuery, "models" | "families" | "sft" | "betas">,
): MeasuredModel[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const picked = new Map<number, MeasuredModel>();
  if (q.models.length) {
    for (const name of q.models) {
      const m = models.find((x) => x.name === name);
      if (!m) continue;
      const base = m.baseModelId !== null ? byId.get(m.baseModelId) : undefined;
      if (base) picked.set(base.id, base);
      picked.set(m.id, m);
    }
  } else {
    const families = q.families.length ? q.families : models.length ? [models[0].family] : [];
    for (const fam of families) {
      const inFam = models.filter((m) => m.family === fam);
      const bases = inFam.filter((m) => m.sftDataset === null);
      for (const b of bases) picked.set(b.id, b);
      const tuned = inFam.filter(
        (m) =>
          m.sftDataset !== null &&
          (!q.sft.length || q.sft.includes(m.sftDataset)) &&
          (q.betas.length ? q.betas.includes(formatBeta(m.smoothing)) : true),
      );
      // Without a β filter, one variant per SFT dataset: the smallest β (plain SFT), so panels stay readable.
      const shown = q.betas.length
        ? tuned
        : [...new Map(tuned.map((m) => [m.sftDataset, m])).keys()].map(
            (sft) =>
              tuned
                .filter((m) => m.sftDataset === sft)
                .sort((a, b) => (a.smoothing ?? 0) - (b.smoothing ?? 0))[0],
          );
      for (const m of shown) picked.set(m.id, m);
    }
  }
  // Order: per family, base first, then SFT dataset, then β.
  return [...picked.values()].sort(
    (a, b) =>
      a.family.localeCompare(b.family) ||
      Number(a.sftDataset !== null) - Number(b.sftDataset !== null) ||
      (a.sftDataset ?? "").localeCompare(b.sftDataset ?? "") ||
      (a.smoothing ?? -1) - (b.smoothing ?? -1) ||
      a.name.localeCompare(b.name),
  );
}

/** Latest completed/running run per (model, language) of the given models, with its stored stats. */
export async function statsRows(
  pool: pg.Pool,
  benchId: number,
  modelIds: number[],
  binning: BinningScheme,
  languages: string[],
  smooth: boolean,
): Promise<StatsRow[]> {
  if (!modelIds.length) return [];
  const r = await pool.query<StatsRow>(
    `SELECT DISTINCT ON (r."modelId", s."languageCode")
            s."runId", m."name" AS model, s."languageCode" AS language, s."binning", s."bins", s."n",
            s."accuracy", s."confidence", s."overconfidence", s."entropyBits", s."ece", s."rms", s."mce", s."smece",
            s."intervals", s."reliability", ${smooth ? `s."smoothCurve"` : `NULL::jsonb`} AS "smoothCurve"
     FROM "Run" r
     JOIN "RunLanguageStats" s ON s."runId" = r."id" AND s."binning" = $3
     JOIN "Model" m ON m."id" = r."modelId"
     WHERE r."benchmarkId" = $1 AND r."modelId" = ANY($2::int[]) AND r."status" IN ('completed', 'running')
       AND (cardinality($4::text[]) = 0 OR s."languageCode" = ANY($4::text[]))
     ORDER BY r."modelId", s."languageCode", r."createdAt" DESC, r."id" DESC`,
    [benchId, modelIds, binning, languages],
  );
  return r.rows.map((row) => {
    const raw = row as unknown as Omit<StatsRow, "reliability" | "smoothCurve"> & {
      reliability: StoredBin[];
      smoothCurve: { c: number; acc: number }[] | null;
    };
    const intervals: Record<string, [number, number]> = {};
    for (const k of SHOWN_INTERVALS) if (raw.intervals?.[k]) intervals[k] = raw.intervals[k];
    return {
      ...raw,
      intervals,
      reliability: raw.reliability.map(encodeBin),
      smoothCurve: raw.smoothCurve
        ? raw.smoothCurve
            .filter((_, i, a) => i % 2 === 0 || i === a.length - 1)
            .map((p) => [p.c, p.acc] as [number, number])
        : null,
    };
  });
}

export async function languagesByCode(pool: pg.Pool, codes: string[]): Promise<PanelLanguage[]> {
  const r = await pool.query<PanelLanguage>(
    `SELECT "code", "name", "script", "resourceClass" FROM "Language" WHERE "code" = ANY($1) ORDER BY "name"`,
    [codes],
  );
  return r.rows;
}

/** Languages with measured stats for a benchmark. */
export async function measuredLanguages(pool: pg.Pool, benchId: number): Promise<PanelLanguage[]> {
  const r = await pool.query<PanelLanguage>(
    `SELECT l."code", l."name", l."script", l."resourceClass" FROM "Language" l
     WHERE EXISTS (SELECT 1 FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId"
                   WHERE s."languageCode" = l."code" AND r."benchmarkId" = $1)
     ORDER BY l."name"`,
    [benchId],
  );
  return r.rows;
}

export async function getReliabilityData(
  pool: pg.Pool,
  q: ReliabilityQuery,
): Promise<ReliabilityData | null> {
  const benchId = await benchmarkId(pool, q.benchmark);
  if (benchId === null) return null;
  const [models, allLanguages] = await Promise.all([
    measuredModels(pool, benchId),
    measuredLanguages(pool, benchId),
  ]);
  const selected = selectSeries(models, q);
  const rows = await statsRows(
    pool,
    benchId,
    selected.map((m) => m.id),
    q.binning,
    q.languages,
    q.smooth,
  );
  const stats: ReliabilityData["stats"] = {};
  const codes = new Set<string>();
  const storedBins = new Set<number>();
  for (const row of rows) {
    (stats[row.model] ??= {})[row.language] = row;
    codes.add(row.language);
    storedBins.add(row.bins);
  }
  const byId = new Map(models.map((m) => [m.id, m]));
  const series: ReliabilitySeries[] = selected.map((m) => ({
    model: m.name,
    family: m.family,
    sftDataset: m.sftDataset,
    smoothing: m.smoothing,
    base: m.baseModelId !== null ? (byId.get(m.baseModelId)?.name ?? null) : null,
    label: seriesLabel(m),
  }));
  return {
    benchmark: q.benchmark,
    binning: q.binning,
    storedBins: [...storedBins].sort((a, b) => a - b),
    series,
    languages: await languagesByCode(pool, [...codes]),
    stats,
    models,
    allLanguages,
  };
}
