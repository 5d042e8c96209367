"use client";
/**
 * Averages done both ways: macro (mean over languages) and micro (pooled predictions) for measured runs,
 * and the paper's Table 2 beside the mean of its per-language tables. Plain props from app/averages.
 */
import type { AveragesData, MeasuredAverages } from "@/lib/db/queries/averages";
import { ExportBar } from "@/components/ui/ExportBar";
import { f3, formatBeta } from "@/lib/format";

export const AVERAGES_EXPLANATION =
  "Macro = mean over languages (each language weighs the same); micro = the metric of all languages' predictions pooled (each prediction weighs the same). Binned errors of different languages cancel inside a pooled bin, so micro ECE/RMS are lower; the paper's Table 2 behaves like the pooled figure. Pooled equal-mass ECE/RMS: all languages' predictions sorted by confidence and cut into 15 bins of equal count.";


const beta = (b: number | null) => (b === null ? "base" : formatBeta(b));
const config = (r: { family: string; sft: string | null; smoothing: number | null }) => `${r.family} ${r.sft ?? "base"}${r.sft ? ` β=${beta(r.smoothing)}` : ""}`;

/** Equal-mass ECE/RMS: macro = mean of the per-language values, micro = over the pooled predictions. */
const equalMass = (r: MeasuredAverages, kind: "macro" | "micro", m: "ece" | "rms"): number | null =>
  kind === "macro" ? (m === "ece" ? r.eceEqualMassMacro : r.rmsEqualMassMacro) : (r.microEqualMass?.[m] ?? null);
const equalMassTitle = (r: MeasuredAverages, kind: "macro" | "micro") =>
  kind === "macro"
    ? "mean over languages of each language's equal-mass value"
    : r.microEqualMass
      ? `all ${r.microEqualMass.n} predictions pooled, sorted by confidence, ${r.microEqualMass.bins} bins of equal count`
      : "no predictions stored for these runs";

export function AveragesTable({ data }: { data: AveragesData }) {
  const csv = () => {
    const lines = ["source,configuration,average,languages,n,accuracy,confidence,entropy_bits,ece_equal_width,rms_equal_width,rms_equal_mass,mce,brier,nll,ece_equal_mass"];
    for (const r of data.measured)
      for (const [kind, a] of [["macro", r.macro], ["micro", r.micro]] as const)
        lines.push(
          ["measured", `"${r.model}"`, kind, a.languages, a.n, a.accuracy, a.confidence, a.entropyBits, a.ece, a.rms, equalMass(r, kind, "rms"), a.mce, a.brier, a.nll, equalMass(r, kind, "ece")]
            .map((v) => (v === null ? "" : String(v)))
            .join(","),
        );
    for (const p of data.published)
      for (const [kind, a] of [["macro (mean of per-language tables)", p.macro], ["paper Table 2", p.table2]] as const)
        if (a) lines.push(["published", `"${config(p)}"`, `"${kind}"`, p.languages, "", a.accuracy, "", a.entropy, a.ece, "", a.rms, "", "", ""].map((v) => (v === null ? "" : String(v))).join(","));
    return lines.join("\n") + "\n";
  };
  return (
    <section data-testid="averages">
      <p className="subtitle" data-testid="averages-explanation">{AVERAGES_EXPLANATION}</p>
      <ExportBar name={`averages-${data.benchmark}`} getCsv={csv} />
      <h2>Measured runs</h2>
      {data.measured.length === 0 ? (
        <p className="empty">No measured runs for this benchmark.</p>
      ) : (
        <table className="data" data-testid="averages-measured">
          <thead>
            <tr>
              <th>Model</th><th>Average</th><th>Languages</th><th>n</th><th>Accuracy</th><th>Entropy (bits)</th>
              <th>ECE (eq-width)</th><th>ECE (eq-mass)</th><th>RMS (eq-width)</th><th>RMS (eq-mass)</th><th>Brier</th><th>NLL</th>
            </tr>
          </thead>
          <tbody>
            {data.measured.flatMap((r) =>
              (["macro", "micro"] as const).map((kind) => {
                const a = r[kind];
                return (
                  <tr key={`${r.model}-${kind}`} data-testid="averages-row" data-model={r.model} data-kind={kind}>
                    {kind === "macro" && <td rowSpan={2}>{r.model}</td>}
                    <td>{kind === "macro" ? "macro (mean over languages)" : "micro (pooled)"}</td>
                    <td>{a.languages}</td>
                    <td>{a.n}</td>
                    <td data-metric="accuracy">{f3(a.accuracy)}</td>
                    <td data-metric="entropy">{f3(a.entropyBits)}</td>
                    <td data-metric="ece">{f3(a.ece)}</td>
                    <td data-metric="ece_em" title={equalMassTitle(r, kind)}>{f3(equalMass(r, kind, "ece"))}</td>
                    <td data-metric="rms">{f3(a.rms)}</td>
                    <td data-metric="rms_em" title={equalMassTitle(r, kind)}>{f3(equalMass(r, kind, "rms"))}</td>
                    <td>{f3(a.brier)}</td>
                    <td>{f3(a.nll)}</td>
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      )}
      <h2>Published (Huang et al.)</h2>
      {data.published.length === 0 ? (
        <p className="empty">No published figures for this benchmark.</p>
      ) : (
        <table className="data" data-testid="averages-published">
          <thead>
            <tr>
              <th>Configuration</th><th>Languages</th>
              <th>Accuracy: mean / Table 2</th><th>Entropy: mean / Table 2</th><th>ECE: mean / Table 2</th><th>RMS: mean / Table 2</th>
            </tr>
          </thead>
          <tbody>
            {data.published.map((p) => (
              <tr key={config(p)} data-testid="averages-published-row" data-config={config(p)}>
                <td>{config(p)}</td>
                <td>{p.languages}</td>
                {(["accuracy", "entropy", "ece", "rms"] as const).map((k) => (
                  <td key={k} data-metric={k}>
                    {f3(p.macro[k])} / {p.table2 ? f3(p.table2[k]) : "—"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
