/**
 * The metric registry: the one place that says which metrics exist and what each one is. Every other list
 * of metrics (engine and bootstrap, database rows, results columns, URL enums, published-CSV columns, page
 * labels) is derived from it, so a metric is added or renamed here and nowhere else.
 *
 * Two names per metric: `key` is the public one (URL parameters, results columns, CSV headers, the
 * PublishedResult columns), `stat` the name in the engine, in bootstrap interval objects and in the
 * RunLanguageStats columns. They differ only for entropy (`entropy` vs `entropyBits`).
 * Pure data and small derivations: safe to import from browser components.
 */
import type { Binning } from "./binning";

/** Which way a metric improves (null: neither, e.g. entropy or confidence). */
export type Better = "lower" | "higher" | null;
export type MetricUnit = "proportion" | "bits" | "nats" | "squared probability";
/**
 * How a value over many questions is built, which decides how it pools across languages:
 * "row-mean" — the mean of a per-question score (pooled = the n-weighted mean of the languages' values);
 * "difference" — a difference of two row means; "binned" — from reliability bins; "kernel" — smECE.
 */
export type MetricScore = "row-mean" | "difference" | "binned" | "kernel";

export interface MetricSpec {
  key: string;
  stat: string;
  /** Column headers and compact labels ("ECE"). */
  short: string;
  /** Full label (axis titles, the heatmap's metric menu). */
  label: string;
  /** The label inside a sentence ("Δ accuracy"). */
  noun: string;
  unit: MetricUnit;
  better: Better;
  /** Needs the gold answer with the full probability row (a labelled set); a top-label set has none. */
  needsGold: boolean;
  /** Needs the full probability row (entropy); a top-label set may carry it. */
  needsProbabilities: boolean;
  /** Depends on a binning of the confidences. */
  binned: boolean;
  /** The binning it is reported under (the paper's convention: ECE/MCE equal-width, RMS equal-mass). */
  binning: Binning | null;
  /** Stored under both binnings; results offer the other one as `${key}_em` / `${key}_ew`. */
  perBinning: boolean;
  score: MetricScore;
  /** Largest possible value (null: unbounded) — published figures above it are rejected. */
  upper: number | null;
  /** A column of the paper's tables (PublishedResult). */
  published: boolean;
}

const proportion = { unit: "proportion", upper: 1 } as const;
const plain = { needsGold: false, needsProbabilities: false, binned: false, binning: null, perBinning: false } as const;
const topLabelBinned = (binning: Binning) =>
  ({ needsGold: false, needsProbabilities: false, binned: true, binning, perBinning: true, score: "binned", better: "lower" }) as const;

/** Every metric, in table order (the results view's column order). */
export const METRIC_SPECS = [
  { key: "accuracy", stat: "accuracy", short: "Accuracy", label: "Accuracy", noun: "accuracy", ...proportion, ...plain, better: "higher", score: "row-mean", published: true },
  { key: "confidence", stat: "confidence", short: "Confidence", label: "Confidence", noun: "confidence", ...proportion, ...plain, better: null, score: "row-mean", published: false },
  { key: "overconfidence", stat: "overconfidence", short: "Overconfidence", label: "Overconfidence", noun: "overconfidence", ...proportion, ...plain, better: null, score: "difference", published: false },
  { key: "entropy", stat: "entropyBits", short: "Entropy", label: "Entropy (bits)", noun: "entropy (bits)", unit: "bits", upper: null, ...plain, needsProbabilities: true, better: null, score: "row-mean", published: true },
  { key: "ece", stat: "ece", short: "ECE", label: "ECE", noun: "ECE", ...proportion, ...topLabelBinned("equal-width"), published: true },
  { key: "rms", stat: "rms", short: "RMS", label: "RMS calibration error", noun: "RMS calibration error", ...proportion, ...topLabelBinned("equal-mass"), published: true },
  { key: "mce", stat: "mce", short: "MCE", label: "MCE", noun: "MCE", ...proportion, ...topLabelBinned("equal-width"), published: false },
  { key: "smece", stat: "smece", short: "smECE", label: "smECE", noun: "smECE", ...proportion, ...plain, better: "lower", score: "kernel", published: false },
  // SCE and ACE have a fixed binning (classwise, over every answer's probability): not per binning.
  { key: "sce", stat: "sce", short: "SCE", label: "SCE", noun: "SCE", ...proportion, needsGold: true, needsProbabilities: true, binned: true, binning: "equal-width", perBinning: false, better: "lower", score: "binned", published: false },
  { key: "ace", stat: "ace", short: "ACE", label: "ACE", noun: "ACE", ...proportion, needsGold: true, needsProbabilities: true, binned: true, binning: "equal-mass", perBinning: false, better: "lower", score: "binned", published: false },
  { key: "brier", stat: "brier", short: "Brier", label: "Brier", noun: "Brier score", unit: "squared probability", upper: 2, ...plain, needsGold: true, needsProbabilities: true, better: "lower", score: "row-mean", published: false },
  { key: "nll", stat: "nll", short: "NLL", label: "NLL", noun: "NLL", unit: "nats", upper: null, ...plain, needsGold: true, needsProbabilities: true, better: "lower", score: "row-mean", published: false },
] as const satisfies readonly MetricSpec[];

type Spec = (typeof METRIC_SPECS)[number];
export type MetricKey = Spec["key"];
/** A metric's name in the engine, interval objects and RunLanguageStats. */
export type MetricName = Spec["stat"];
type PerBinning = Extract<Spec, { perBinning: true }>;
type OtherSuffix<B> = B extends "equal-width" ? "em" : "ew";
/** The per-binning metrics under their other binning: ece_em, rms_ew, mce_em. */
export type VariantKey = PerBinning extends infer S ? (S extends PerBinning ? `${S["key"]}_${OtherSuffix<S["binning"]>}` : never) : never;
export type ResultMetric = MetricKey | VariantKey;

export const METRIC_KEYS = METRIC_SPECS.map((s) => s.key) as readonly MetricKey[];
export const METRIC_NAMES = METRIC_SPECS.map((s) => s.stat) as readonly MetricName[];

/** The metrics of the paper's tables (one PublishedResult column and one published-CSV column each). */
export type PublishedMetric = Extract<Spec, { published: true }>["key"];
export const PUBLISHED_METRICS = METRIC_SPECS.filter((s) => s.published).map((s) => s.key) as readonly PublishedMetric[];

/** Means of a per-question score (accuracy, confidence, entropy, Brier, NLL): they pool as n-weighted means. */
export type RowMeanName = Extract<Spec, { score: "row-mean" }>["stat"];
export const ROW_MEAN_NAMES = METRIC_SPECS.filter((s) => s.score === "row-mean").map((s) => s.stat) as readonly RowMeanName[];
/** ece, rms, mce: computed under either binning from the top-label reliability bins. */
export type PerBinningName = PerBinning["stat"];
export const PER_BINNING_NAMES = METRIC_SPECS.filter((s) => s.perBinning).map((s) => s.stat) as readonly PerBinningName[];

const BY_KEY = new Map<string, MetricSpec>(METRIC_SPECS.map((s) => [s.key, s]));

/** The spec of a metric key (throws for an unknown key: callers pass typed keys). */
export function metricSpec(key: MetricKey): MetricSpec {
  return BY_KEY.get(key) as MetricSpec;
}

/**
 * The four metrics of the paper's tables, in the order the views offer them (calibration first). A
 * tuple so zod can use it as an enum; registry.test.ts checks it holds exactly the `published` metrics.
 */
export const PAPER_METRICS = ["ece", "rms", "accuracy", "entropy"] as const satisfies readonly MetricKey[];
export type PaperMetric = (typeof PAPER_METRICS)[number];

const SUFFIX: Record<Binning, "ew" | "em"> = { "equal-width": "ew", "equal-mass": "em" };
const OTHER: Record<Binning, Binning> = { "equal-width": "equal-mass", "equal-mass": "equal-width" };
const ABBREV: Record<Binning, string> = { "equal-width": "eq-width", "equal-mass": "eq-mass" };

export interface ResultColumn {
  key: ResultMetric;
  spec: MetricSpec;
  /** The binning whose RunLanguageStats row holds the value (equal-width for unbinned metrics). */
  row: Binning;
  /** Column header: per-binning metrics name their binning ("ECE (eq-width)"). */
  title: string;
}

/** Results columns: every metric under its own binning, then the per-binning ones under the other binning. */
export const RESULT_COLUMNS: readonly ResultColumn[] = [
  ...METRIC_SPECS.map((s: MetricSpec) => ({
    key: s.key as ResultMetric,
    spec: s,
    row: s.perBinning && s.binning ? s.binning : ("equal-width" as Binning),
    title: s.perBinning && s.binning ? `${s.short} (${ABBREV[s.binning]})` : s.label,
  })),
  ...METRIC_SPECS.filter((s: MetricSpec) => s.perBinning && s.binning).map((s: MetricSpec) => {
    const row = OTHER[s.binning as Binning];
    return { key: `${s.key}_${SUFFIX[row]}` as ResultMetric, spec: s, row, title: `${s.short} (${ABBREV[row]})` };
  }),
];
export const RESULT_METRICS = RESULT_COLUMNS.map((c) => c.key);

/** "ECE over 15 equal-width bins", "accuracy, no binning": what a view's caption says of the metric. */
export function binningText(key: MetricKey, bins: number): string {
  const s = metricSpec(key);
  return s.binning ? `${s.label} over ${bins} ${s.binning} bins` : `${s.noun}, no binning`;
}

/** "ECE (15 equal-width bins)", "Accuracy": a chart title that states the binning. */
export function titleWithBins(key: MetricKey, bins: number): string {
  const s = metricSpec(key);
  return s.binning ? `${s.short} (${bins} ${s.binning} bins)` : s.label;
}

/** "Δ ECE", "Δ accuracy", "Δ entropy (bits)". */
export function deltaLabel(key: MetricKey): string {
  return `Δ ${metricSpec(key).noun}`;
}

/** Whether value `a` is better than `b` under the metric's direction (false when it has none, or on a tie). */
export function isBetter(key: MetricKey, a: number, b: number): boolean {
  const better = metricSpec(key).better;
  return better === "lower" ? a < b : better === "higher" ? a > b : false;
}

/** Record<key, T> over a list of keys (for tables keyed by metric). */
export function byMetric<K extends string, T>(keys: readonly K[], f: (k: K) => T): Record<K, T> {
  return Object.fromEntries(keys.map((k) => [k, f(k)])) as Record<K, T>;
}

/** The keys among `keys` reported under `binning` or under none (e.g. what an equal-width bootstrap tests). */
export function reportedUnder<K extends MetricKey>(keys: readonly K[], binning: Binning): K[] {
  return keys.filter((k) => {
    const s = metricSpec(k);
    return !s.binned || s.binning === binning;
  });
}
