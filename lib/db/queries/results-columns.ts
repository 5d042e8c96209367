/**
 * The results table's columns and its wire types: which text and metric columns exist (metric columns come
 * from the metric registry), the default set, and the query a /results view state asks for. Pure: shared by
 * the query (results.ts), the page and the browser table (types).
 */
import { badInput } from "../../errors";
import type { ViewState } from "../../view-state/filters";
import { RESULT_COLUMNS, RESULT_METRICS, type ResultMetric } from "../../calibration/registry";

/** Metric columns, from the metric registry: ece/mce use 15 equal-width bins and rms 15 equal-mass bins (the
 * paper's conventions); the `_em` / `_ew` variants are the other binning. Published results have accuracy,
 * entropy, ece and rms. */
export { RESULT_METRICS, type ResultMetric };

export const METRIC_TITLES = Object.fromEntries(RESULT_COLUMNS.map((c) => [c.key, c.title])) as Record<ResultMetric, string>;

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
  /** Slice of the questions (lib/slices/slice.ts; default all): measured rows from RunSliceStats, no published. */
  slice?: string;
}


/**
 * The query and shown columns of a /results view state (the page and its data twin /api/views/results share it).
 * Throws a BAD_INPUT error naming the parameter for an unknown column.
 */
export function resultsQueryForState(
  state: Pick<ViewState, "benchmark" | "source" | "family" | "sft" | "beta" | "languages" | "cols" | "group" | "sortBy"> & { slice?: string },
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
      slice: state.slice,
    },
  };
}
