/**
 * Base → tuned per language (the /smoothing and /reliability significance table), with the multiple-comparison
 * adjustment: each tuned model is tested against its base in every language shown, so the p-values of one
 * base → tuned pair and one metric form a family across languages, adjusted by Holm (family-wise error rate).
 * An adjusted p needs the whole family: until every language of the pair is tested it is null (pending).
 * Pure: the component renders these rows and exports them as CSV.
 */
import { holmWithinFamilies } from "@/lib/calibration/multiplicity";
import { PAPER_METRICS, reportedUnder } from "@/lib/calibration/registry";
import type { BaseTunedPair } from "@/lib/db/queries/base-tuned";
import type { Row } from "@/lib/view-state/data-out";

/** What the equal-width paired bootstrap tests: the paper's metrics reported under equal-width bins or none. */
export const BASE_TUNED_METRICS = reportedUnder(PAPER_METRICS, "equal-width");
export type BaseTunedMetric = (typeof BASE_TUNED_METRICS)[number];

export interface TestedMetric {
  difference: number;
  interval: [number, number];
  /** The bootstrap's raw p-value. */
  p: number;
}
export type TestResult = { n: number; metrics: Partial<Record<string, TestedMetric>> } | { error: string } | "running";

export interface AdjustedMetric extends TestedMetric {
  /** Holm-adjusted over the languages of this base → tuned pair; null until all of them are tested. */
  pHolm: number | null;
}

export interface BaseTunedRow {
  pair: BaseTunedPair;
  result: TestResult | undefined;
  /** Languages in this pair's Holm family (its tests per metric). */
  family: number;
  /** Languages of the family tested so far. */
  tested: number;
  metrics: Partial<Record<BaseTunedMetric, AdjustedMetric>>;
}

export const pairKey = (p: BaseTunedPair) => `${p.runA}|${p.runB}|${p.language}`;
/** The family: one tuned model against its base, across languages. */
const familyKey = (p: BaseTunedPair) => `${p.base}\u0000${p.tuned}`;

export function baseTunedRows(pairs: readonly BaseTunedPair[], results: Record<string, TestResult>): BaseTunedRow[] {
  const done = (p: BaseTunedPair) => {
    const r = results[pairKey(p)];
    return r && r !== "running" && !("error" in r) ? r : null;
  };
  const size = new Map<string, number>();
  const tested = new Map<string, number>();
  for (const p of pairs) {
    const f = familyKey(p);
    size.set(f, (size.get(f) ?? 0) + 1);
    if (done(p)) tested.set(f, (tested.get(f) ?? 0) + 1);
  }
  const rows: BaseTunedRow[] = pairs.map((pair) => ({
    pair,
    result: results[pairKey(pair)],
    family: size.get(familyKey(pair))!,
    tested: tested.get(familyKey(pair)) ?? 0,
    metrics: {},
  }));
  for (const m of BASE_TUNED_METRICS) {
    const adjusted = holmWithinFamilies(pairs.map((p) => ({ family: familyKey(p), p: done(p)?.metrics[m]?.p ?? null })));
    rows.forEach((row, i) => {
      const v = done(row.pair)?.metrics[m];
      if (v) row.metrics[m] = { ...v, pHolm: adjusted[i] };
    });
  }
  return rows;
}

export const BASE_TUNED_COLUMNS = [
  "language", "language_name", "base", "tuned", "run_base", "run_tuned", "n", "holm_family",
  ...BASE_TUNED_METRICS.flatMap((m) => [`${m}_delta`, `${m}_lo`, `${m}_hi`, `${m}_p_raw`, `${m}_p_holm`]),
];

/** The CSV rows: raw and Holm-adjusted p per metric (empty until tested; p_holm empty until the family is complete). */
export function baseTunedCsvRows(rows: readonly BaseTunedRow[]): Row[] {
  return rows.map((r) => {
    const out: Row = {
      language: r.pair.language,
      language_name: r.pair.languageName,
      base: r.pair.base,
      tuned: r.pair.tuned,
      run_base: r.pair.runA,
      run_tuned: r.pair.runB,
      n: r.result && r.result !== "running" && !("error" in r.result) ? r.result.n : null,
      holm_family: r.family,
    };
    for (const m of BASE_TUNED_METRICS) {
      const v = r.metrics[m];
      out[`${m}_delta`] = v?.difference ?? null;
      out[`${m}_lo`] = v?.interval[0] ?? null;
      out[`${m}_hi`] = v?.interval[1] ?? null;
      out[`${m}_p_raw`] = v?.p ?? null;
      out[`${m}_p_holm`] = v?.pHolm ?? null;
    }
    return out;
  });
}
