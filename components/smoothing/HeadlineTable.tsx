"use client";
/**
 * The paper's headline table (Table 1 style), rebuilt from the per-language rows: per source × model family
 * × SFT dataset, the mean over languages at β = A and β = B, the better of the two in bold (lower ECE/RMS,
 * higher accuracy), * when a paired t-test across languages gives p < 0.05 (** p < 0.01).
 */
import type { HeadlineRow, SmoothingMetric } from "@/lib/db/queries/smoothing-aggregate";
import { toCsv } from "@/lib/charts/export";
import { f3 } from "@/lib/format";
import { isBetter, metricSpec, PAPER_METRICS } from "@/lib/calibration/registry";
import { ExportBar } from "@/components/ui/ExportBar";

const METRICS = PAPER_METRICS.map((m) => ({ m, title: metricSpec(m).short }));

const stars = (p: number | null) => (p === null ? "" : p < 0.01 ? "**" : p < 0.05 ? "*" : "");

export function HeadlineTable({
  rows,
  betaA,
  betaB,
  benchmark,
}: {
  rows: HeadlineRow[];
  betaA: string;
  betaB: string;
  benchmark: string;
}) {
  const better = (r: HeadlineRow, m: SmoothingMetric, which: "a" | "b") => {
    const a = r.a[m];
    const b = r.b[m];
    if (a === null || b === null) return false;
    return which === "a" ? isBetter(m, a, b) : isBetter(m, b, a);
  };
  const csv = () =>
    toCsv(
      [
        "benchmark",
        "source",
        "family",
        "sft_dataset",
        "languages",
        ...METRICS.flatMap(({ m }) => [`${m}_beta_${betaA}`, `${m}_beta_${betaB}`, `${m}_p`, `${m}_better`]),
      ],
      rows.map((r) => [
        benchmark,
        r.source,
        r.family,
        r.sft,
        r.n,
        ...METRICS.flatMap(({ m }) => [
          r.a[m],
          r.b[m],
          r.p[m],
          better(r, m, "a") ? betaA : better(r, m, "b") ? betaB : null,
        ]),
      ]),
    );
  if (!rows.length)
    return (
      <p className="empty" data-testid="headline-empty">
        No configuration has both β = {betaA} and β = {betaB} for {benchmark}.
      </p>
    );
  return (
    <div>
      <ExportBar name={`headline-${benchmark}-beta-${betaA}-vs-${betaB}`} getCsv={csv} />
      <div className="chart-scroll">
        <table className="data headline" data-testid="headline">
          <thead>
            <tr>
              <th rowSpan={2}>Source</th>
              <th rowSpan={2}>Model</th>
              <th rowSpan={2}>SFT dataset</th>
              <th rowSpan={2}>Lang.</th>
              {METRICS.map(({ m, title }) => (
                <th key={m} colSpan={2} className="center">
                  {title}
                </th>
              ))}
            </tr>
            <tr>
              {METRICS.flatMap(({ m }) => [
                <th key={`${m}a`} className="num">
                  β={betaA}
                </th>,
                <th key={`${m}b`} className="num">
                  β={betaB}
                </th>,
              ])}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={`${r.source}|${r.family}|${r.sft}`}
                data-testid="headline-row"
                data-source={r.source}
                data-family={r.family}
                data-sft={r.sft}
              >
                <td>{r.source}</td>
                <td>{r.family}</td>
                <td>{r.sft}</td>
                <td className="num">{r.n}</td>
                {METRICS.flatMap(({ m }) =>
                  (["a", "b"] as const).map((w) => {
                    const v = r[w][m];
                    const bold = better(r, m, w);
                    const paper = (w === "a" ? r.paperA : r.paperB)[m];
                    return (
                      <td
                        key={`${m}${w}`}
                        className="num"
                        data-testid="headline-cell"
                        data-metric={m}
                        data-beta={w === "a" ? betaA : betaB}
                        data-value={v ?? ""}
                        data-p={w === "b" ? (r.p[m] ?? "") : ""}
                        data-bold={bold ? "1" : "0"}
                        title={
                          w === "b" && r.p[m] !== null
                            ? `paired t-test across ${r.n} languages: p = ${r.p[m]!.toPrecision(3)}`
                            : undefined
                        }
                      >
                        {bold ? <strong>{f3(v)}</strong> : f3(v)}
                        {w === "b" && <sup className="sig">{stars(r.p[m])}</sup>}
                        {paper ? <div className="paper">paper {paper}</div> : null}
                      </td>
                    );
                  }),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="subtitle">
        Means over the languages that have both β values; <strong>bold</strong> = the better of the pair
        (lower ECE/RMS, higher accuracy); * p &lt; 0.05, ** p &lt; 0.01 in a paired t-test across languages
        (β={betaB} vs β={betaA}); “paper” = the average printed in the paper, where it has one.
      </p>
    </div>
  );
}
