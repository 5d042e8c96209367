/**
 * The `/smoothing` view's data in tidy long form (one value per row) for its data twin and `calib report --view
 * smoothing`: per panel (`avg` = the mean over languages, or a language), configuration (source × family × SFT
 * dataset) and β, each metric's value — exact published text where there is one — with the languages behind it
 * (`n`), the test against β = 0 and its p-value; the base model's value as `beta=base` (the chart's reference
 * line). What the β chart draws. Pure.
 */
import type { SmoothingData } from "@/lib/db/queries/smoothing-aggregate";
import { METRICS } from "@/lib/view-state/filters";
import { cleanFloat } from "@/lib/format";
import type { Row } from "@/lib/view-state/data-out";

export const SMOOTHING_COLUMNS = [
  "benchmark", "language", "language_name", "source", "family", "sft_dataset", "model", "beta", "metric", "value",
  "n", "test", "p", "run_id",
];

const num = (v: number | null | undefined) => (v === null || v === undefined ? null : cleanFloat(v));

export function smoothingRows(data: SmoothingData): Row[] {
  const rows: Row[] = [];
  for (const panel of data.panels)
    for (const s of panel.series) {
      const head = { benchmark: data.benchmark, language: panel.language, language_name: panel.label, source: s.source, family: s.family, sft_dataset: s.sft };
      for (const metric of METRICS) {
        const base = s.base[metric];
        if (base !== null)
          rows.push({ ...head, model: s.baseModel, beta: "base", metric, value: num(base), n: null, test: null, p: null, run_id: null });
        for (const pt of s.points) {
          const value = pt.text[metric] ?? num(pt.value[metric]);
          if (value === null) continue; // not drawn: no value at this β
          rows.push({
            ...head,
            model: pt.model,
            beta: pt.beta,
            metric,
            value,
            n: pt.n,
            test: pt.test,
            p: num(pt.p[metric]),
            run_id: pt.runId,
          });
        }
      }
    }
  return rows;
}
