import "server-only";
/**
 * Reliability diagrams: the stored RunLanguageStats rows (bins, intervals, smooth curve) of the selected
 * measured models, one per (model, language) — the latest completed or running run, as in the heatmap.
 * Never reads predictions.
 */
import type { ReliabilityBin } from "../../calibration/binned-errors";
import type pg from "pg";
import type { BinningScheme, ViewState } from "../../view-state/filters";
import { FEW_QUESTIONS, passesBetaFilter } from "../../view-state/config";
import { formatBeta } from "../../format";
import { packBins, packCurve, type PackedBin } from "../../charts/reliability-codec";
import { statsFrom } from "./slices";
import { LruCache } from "../../cache/lru-cache";

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

/** A reliability bin as RunLanguageStats stores it (lib/calibration's reliability bins, as JSON). */
export type StoredBin = ReliabilityBin;

export interface StatsRow {
  runId: number;
  model: string;
  language: string;
  bins: number;
  n: number;
  ece: number;
  rms: number;
  mce: number;
  smece: number;
  /** The stored bins, packed losslessly (components/reliability/reliability-view.ts packBins). */
  reliability: PackedBin[];
  /** The smoothed reliability curve, packed (packCurve), when asked for. */
  smoothCurve: number[] | null;
}

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
  /** Slice of the questions (lib/slices/slice.ts; default all): panels from RunSliceStats. */
  slice?: string;
}

/** The query behind `/reliability` and its data twin, from the view state. */
export function reliabilityQueryForState(state: ViewState): ReliabilityQuery {
  return {
    benchmark: state.benchmark,
    binning: state.binning,
    models: state.models,
    families: state.family,
    sft: state.sft,
    betas: state.beta.filter((b) => b !== "base"),
    languages: state.languages,
    smooth: state.smooth === "on",
    slice: state.slice,
  };
}

export function seriesLabel(m: Pick<MeasuredModel, "name" | "sftDataset" | "smoothing">): string {
  if (m.sftDataset === null) return `${m.name} (base)`;
  // A tuned model with no β recorded is named by its SFT dataset alone.
  return m.smoothing === null ? `${m.name} (${m.sftDataset})` : `${m.name} (${m.sftDataset}, β=${formatBeta(m.smoothing)})`;
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

/**
 * Without a β filter, one variant per SFT dataset: the smallest β (plain SFT), so panels stay readable.
 * Keeps the order in which the SFT datasets first appear.
 */
export function onePerSftDataset<M extends Pick<MeasuredModel, "sftDataset" | "smoothing">>(tuned: M[]): M[] {
  return [...new Map(tuned.map((m) => [m.sftDataset, m])).keys()].map(
    (sft) =>
      tuned.filter((m) => m.sftDataset === sft).sort((a, b) => (a.smoothing ?? 0) - (b.smoothing ?? 0))[0],
  );
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
          passesBetaFilter(q.betas, m.sftDataset, m.smoothing),
      );
      const shown = q.betas.length ? tuned : onePerSftDataset(tuned);
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

/**
 * Packed bins and curves, cached in this process by (run, language, binning, computedAt): the JSON columns
 * are the expensive part of a read (the smoothed curves especially), and a row's computedAt changes whenever
 * recomputeRunStats rewrites it, so a cached entry can never be stale.
 */
const packed = new LruCache<{ bins?: PackedBin[]; curve?: number[] | null }>({ maxEntries: 50_000 });

/** Latest completed/running run per (model, language) of the given models, with its stored stats. */
export async function statsRows(
  pool: pg.Pool,
  benchId: number,
  modelIds: number[],
  binning: BinningScheme,
  languages: string[],
  smooth: boolean,
  slice?: string,
): Promise<StatsRow[]> {
  if (!modelIds.length) return [];
  const r = await pool.query<Omit<StatsRow, "reliability" | "smoothCurve"> & { computedAt: string }>(
    `SELECT DISTINCT ON (r."modelId", s."languageCode")
            s."runId", m."name" AS model, s."languageCode" AS language, s."bins", s."n",
            s."ece", s."rms", s."mce", s."smece", s."computedAt"::text AS "computedAt"
     FROM "Run" r
     JOIN ${statsFrom(slice)} s ON s."runId" = r."id" AND s."binning" = $3
     JOIN "Model" m ON m."id" = r."modelId"
     WHERE r."benchmarkId" = $1 AND r."modelId" = ANY($2::int[]) AND r."status" IN ('completed', 'running')
       AND (cardinality($4::text[]) = 0 OR s."languageCode" = ANY($4::text[]))
     ORDER BY r."modelId", s."languageCode", r."createdAt" DESC, r."id" DESC`,
    [benchId, modelIds, binning, languages],
  );
  const key = (row: { runId: number; language: string; computedAt: string }) =>
    `${row.runId}|${row.language}|${binning}|${slice ?? ""}|${row.computedAt}`;
  const needBins = r.rows.filter((row) => packed.get(key(row))?.bins === undefined);
  const needCurve = smooth ? r.rows.filter((row) => packed.get(key(row))?.curve === undefined) : [];
  const missing = [...new Map([...needBins, ...needCurve].map((row) => [key(row), row])).values()];
  if (missing.length) {
    const withCurve = needCurve.length > 0;
    const j = await pool.query<{
      runId: number;
      language: string;
      computedAt: string;
      reliability: StoredBin[];
      smoothCurve: { c: number; acc: number }[] | null;
    }>(
      `SELECT s."runId", s."languageCode" AS language, s."computedAt"::text AS "computedAt", s."reliability",
              ${withCurve ? `s."smoothCurve"` : `NULL::jsonb`} AS "smoothCurve"
       FROM ${statsFrom(slice)} s JOIN unnest($2::int[], $3::text[]) AS k(run, lang) ON s."runId" = k.run AND s."languageCode" = k.lang
       WHERE s."binning" = $1`,
      [binning, missing.map((m) => m.runId), missing.map((m) => m.language)],
    );
    for (const row of j.rows) {
      const entry = packed.get(key(row)) ?? {};
      entry.bins = packBins(row.reliability, binning);
      if (withCurve) entry.curve = row.smoothCurve ? packCurve(row.smoothCurve) : null;
      packed.set(key(row), entry);
    }
  }
  return r.rows.map(({ computedAt, ...row }) => {
    const entry = packed.get(key({ ...row, computedAt }));
    return { ...row, reliability: entry?.bins ?? [], smoothCurve: smooth ? (entry?.curve ?? null) : null };
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
    q.slice,
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

// ── The default view: the most informative measured comparison (issue 15) ─────────────────────────────────

/** One measured model on one benchmark, summarised over its latest run per language (as drawn). */
export interface ComparisonCandidate {
  benchmark: string;
  id: number;
  name: string;
  sftDataset: string | null;
  smoothing: number | null;
  baseModelId: number | null;
  /** Every run drawn for it was imported (real outputs), not evaluated by the worker. */
  imported: boolean;
  /** Predictions behind its stats: the sum of n over its languages. */
  n: number;
  /** The largest n of one language: below FEW_QUESTIONS everywhere, the model is a tiny run. */
  maxN: number;
}

export interface DefaultComparison {
  benchmark: string;
  base: string;
  /** The tuned variants drawn (one per SFT dataset, its smallest β), in the order the page draws them. */
  variants: string[];
}

/**
 * The most informative measured comparison: a base model with tuned variants beats a lone model; then a
 * well-measured comparison beats a tiny one (every language under FEW_QUESTIONS questions); then imported
 * (real) data beats worker runs; then more predictions behind the base, then more tuned variants; ties
 * go to the benchmark name, then the base name — so the choice is deterministic. Null without candidates.
 */
export function rankDefaultComparison(candidates: ComparisonCandidate[]): DefaultComparison | null {
  const ranked = candidates
    .filter((c) => c.sftDataset === null)
    .map((base) => {
      const tuned = candidates
        .filter((c) => c.benchmark === base.benchmark && c.baseModelId === base.id && c.sftDataset !== null)
        .sort(
          (a, b) =>
            (a.sftDataset ?? "").localeCompare(b.sftDataset ?? "") ||
            (a.smoothing ?? -1) - (b.smoothing ?? -1) ||
            a.name.localeCompare(b.name),
        );
      return {
        base,
        tuned,
        key: [
          tuned.length > 0 ? 1 : 0,
          base.maxN >= FEW_QUESTIONS ? 1 : 0,
          base.imported && tuned.every((t) => t.imported) ? 1 : 0,
          base.n,
          tuned.length,
        ],
      };
    })
    .sort((a, b) => {
      for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return b.key[i] - a.key[i];
      return a.base.benchmark.localeCompare(b.base.benchmark) || a.base.name.localeCompare(b.base.name);
    });
  const best = ranked[0];
  if (!best) return null;
  return {
    benchmark: best.base.benchmark,
    base: best.base.name,
    variants: onePerSftDataset(best.tuned).map((t) => t.name),
  };
}

/** Every measured model of every benchmark, summarised for rankDefaultComparison (reads stats rows' n only). */
export async function comparisonCandidates(pool: pg.Pool): Promise<ComparisonCandidate[]> {
  const r = await pool.query<ComparisonCandidate>(
    `WITH latest AS (
       SELECT DISTINCT ON (r."benchmarkId", r."modelId", s."languageCode")
              r."benchmarkId", r."modelId", r."provenance", s."n"
       FROM "Run" r JOIN "RunLanguageStats" s ON s."runId" = r."id" AND s."binning" = 'equal-width'
       WHERE r."status" IN ('completed', 'running')
       ORDER BY r."benchmarkId", r."modelId", s."languageCode", r."createdAt" DESC, r."id" DESC)
     SELECT b."name" AS benchmark, m."id", m."name", m."sftDataset", m."smoothing", m."baseModelId",
            bool_and(l."provenance" = 'imported') AS imported, sum(l."n")::float8 AS n, max(l."n")::int AS "maxN"
     FROM latest l JOIN "Model" m ON m."id" = l."modelId" JOIN "Benchmark" b ON b."id" = l."benchmarkId"
     GROUP BY b."name", m."id"`,
  );
  return r.rows;
}

/** The comparison a bare `/reliability` opens on (null when nothing is measured). */
export async function defaultComparison(pool: pg.Pool): Promise<DefaultComparison | null> {
  return rankDefaultComparison(await comparisonCandidates(pool));
}
