/**
 * SQL for metric columns, derived from the metric registry (lib/calibration/registry.ts), so the queries of
 * the results table, /smoothing and the heatmap read the same columns for a metric. Measured queries join
 * RunLanguageStats twice: `w` (equal-width row) and `e` (equal-mass row); PublishedResult is `p`.
 */
import type { Binning } from "../../calibration/binning";
import { PUBLISHED_METRICS, type PublishedMetric, RESULT_COLUMNS, type ResultMetric } from "../../calibration/registry";

export const ROW_ALIAS: Record<Binning, "w" | "e"> = { "equal-width": "w", "equal-mass": "e" };

const COLUMN = new Map(RESULT_COLUMNS.map((c) => [c.key, c]));

/** The RunLanguageStats row (binning) holding a column: its own binning for ece/rms/mce, equal-width otherwise. */
export function statsRow(key: ResultMetric): Binning {
  return COLUMN.get(key)!.row;
}

/** `w."ece"`, `e."rms"`: the stored value of a column. */
export function valueSql(key: ResultMetric): string {
  const c = COLUMN.get(key)!;
  return `${ROW_ALIAS[c.row]}."${c.spec.stat}"`;
}

/** `w."intervals"->'ece'`: a column's bootstrap interval (one key at a time: printing whole objects costs more). */
export function intervalSql(key: ResultMetric): string {
  const c = COLUMN.get(key)!;
  return `${ROW_ALIAS[c.row]}."intervals"->'${c.spec.stat}'`;
}

/** The paper's metrics: PublishedResult has one NUMERIC column each, named by the metric key. */
export const PUBLISHED_COLUMNS = PUBLISHED_METRICS;

/** `p."ece"::text AS "ece", …`: the published columns as exact decimal text. */
export function publishedTextSql(keys: readonly PublishedMetric[] = PUBLISHED_COLUMNS): string {
  return keys.map((m) => `p."${m}"::text AS "${m}"`).join(", ");
}
