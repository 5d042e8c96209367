import "server-only";
/**
 * The paper's central claim as one chart (issue 14 §5): Δ ECE (tuned − its base, per language, 15 equal-width
 * bins) against the language's resource class (Joshi et al. 2020, 0–5), with Spearman's ρ and a bootstrap
 * interval, for every tuned configuration — published (Huang et al. per-language tables) and measured
 * (RunLanguageStats). Built on the heatmap's read model (getHeatmapData), so it reads no predictions.
 * ρ's p-values across the configurations shown are Holm-adjusted (lib/calibration/multiplicity.ts).
 */
import type pg from "pg";
import { holm } from "../../calibration/multiplicity";
import { spearmanWithBootstrap } from "../../calibration/spearman";
import { getHeatmapData, type HeatmapColumn, type HeatmapLanguage, type HeatmapQuery } from "./heatmap";

export const RHO_RESAMPLES = 1000;

export interface DeltaPoint {
  language: string;
  name: string;
  resourceClass: number;
  delta: number;
}

export interface ConfigurationEffect {
  column: HeatmapColumn;
  points: DeltaPoint[];
  rho: number | null;
  interval: [number, number] | null;
  pValue: number | null;
  /** Holm-adjusted across the configurations listed. */
  pHolm: number | null;
}

export interface ResourceEffectData {
  benchmark: string;
  configurations: ConfigurationEffect[];
}

export async function getResourceEffect(pool: pg.Pool, q: Omit<HeatmapQuery, "metric">): Promise<ResourceEffectData | null> {
  const data = await getHeatmapData(pool, { ...q, metric: "ece" });
  if (!data) return null;
  const langs = new Map<string, HeatmapLanguage>(data.languages.map((l) => [l.code, l]));
  const configurations: ConfigurationEffect[] = [];
  for (const column of data.columns) {
    if (!column.baseKey) continue;
    const tuned = data.values[column.key] ?? {};
    const base = data.values[column.baseKey] ?? {};
    const points: DeltaPoint[] = [];
    for (const [code, v] of Object.entries(tuned)) {
      const b = base[code];
      const l = langs.get(code);
      if (b === undefined || !l) continue;
      points.push({ language: code, name: l.name, resourceClass: l.resourceClass, delta: Number(v) - Number(b) });
    }
    points.sort((a, b) => a.resourceClass - b.resourceClass || a.language.localeCompare(b.language));
    const s =
      points.length >= 3
        ? spearmanWithBootstrap(
            points.map((p) => p.resourceClass),
            points.map((p) => p.delta),
            { resamples: RHO_RESAMPLES, seed: column.key },
          )
        : null;
    const ok = s && !Number.isNaN(s.rho);
    configurations.push({ column, points, rho: ok ? s.rho : null, interval: ok ? s.interval : null, pValue: ok ? s.pValue : null, pHolm: null });
  }
  const tested = configurations.filter((c) => c.pValue !== null);
  const adjusted = holm(tested.map((c) => c.pValue as number));
  tested.forEach((c, i) => (c.pHolm = adjusted[i]));
  return { benchmark: data.benchmark, configurations };
}
