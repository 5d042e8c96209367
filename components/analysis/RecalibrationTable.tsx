"use client";
/**
 * Out-of-sample ECE before and after post-hoc recalibration, per language grouped by resource class:
 * does a fit on English transfer? Δ = ECE(English fit) − ECE(own-language fit) with its paired bootstrap
 * interval; "worse"/"better" only when the interval excludes 0.
 */
import type { EceColumn } from "@/lib/calibration/recalibrate/summary";
import type { RecalibrationLanguage, RecalibrationView } from "@/lib/db/queries/recalibration";
import { ExportBar } from "@/components/ui/ExportBar";

const f = (c: EceColumn | null) => (c ? `${c.ece.toFixed(3)} [${c.interval[0].toFixed(3)}, ${c.interval[1].toFixed(3)}]` : "—");
const mean = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? (v.reduce((a, b) => a + b, 0) / v.length).toFixed(3) : "—";
};
export function verdict(d: EceColumn | null): "worse" | "better" | "no difference" | null {
  if (!d) return null;
  if (d.interval[0] > 0) return "worse";
  if (d.interval[1] < 0) return "better";
  return "no difference";
}

export function RecalibrationTable({ data }: { data: RecalibrationView }) {
  const classes = [...new Set(data.languages.map((l) => l.resourceClass))].sort((a, b) => a - b);
  const csv = () =>
    ["language,resource_class,n,accuracy,ece_before,ece_own_fit,ece_english_fit,ece_pooled_fit,english_minus_own,english_minus_own_lo,english_minus_own_hi"]
      .concat(
        data.languages.map((l) =>
          [l.language, l.resourceClass, l.n, l.accuracy, l.before.ece, l.after["per-language"]?.ece, l.after.english?.ece, l.after.pooled?.ece, l.englishMinusOwn?.ece, l.englishMinusOwn?.interval[0], l.englishMinusOwn?.interval[1]]
            .map((v) => (v === undefined || v === null ? "" : String(v)))
            .join(","),
        ),
      )
      .join("\n") + "\n";
  const row = (l: RecalibrationLanguage) => (
    <tr key={l.language} data-testid="recal-row" data-language={l.language} data-verdict={verdict(l.englishMinusOwn) ?? ""}>
      <td>{l.language} — {l.name}</td>
      <td>{l.n}</td>
      <td>{l.accuracy.toFixed(3)}</td>
      <td data-col="before">{f(l.before)}</td>
      <td data-col="per-language">{f(l.after["per-language"])}</td>
      <td data-col="english">{f(l.after.english)}</td>
      <td data-col="pooled">{f(l.after.pooled)}</td>
      <td data-col="english-minus-own">{f(l.englishMinusOwn)} {verdict(l.englishMinusOwn) && <em>({verdict(l.englishMinusOwn)})</em>}</td>
    </tr>
  );
  return (
    <section data-testid="recalibration">
      <ExportBar name={`recalibration-${data.model}-${data.method}`} getCsv={csv} />
      {Object.keys(data.temperatures).length > 0 && (
        <p data-testid="temperatures">
          Fitted temperatures (mean over folds):{" "}
          {["english", "pooled"].filter((g) => data.temperatures[g] !== undefined).map((g) => `${g} T = ${data.temperatures[g].toFixed(3)}`).join(" · ")}
          {" · per language from "}
          {(() => {
            const own = Object.entries(data.temperatures).filter(([g]) => g !== "english" && g !== "pooled").map(([, t]) => t);
            return own.length ? `${Math.min(...own).toFixed(3)} to ${Math.max(...own).toFixed(3)}` : "—";
          })()}
        </p>
      )}
      <table className="data" data-testid="recal-table">
        <thead>
          <tr>
            <th>Language</th><th>n</th><th>Accuracy</th><th>ECE before</th><th>after: own-language fit</th>
            <th>after: English fit</th><th>after: pooled fit</th><th>English − own</th>
          </tr>
        </thead>
        {classes.map((c) => {
          const ls = data.languages.filter((l) => l.resourceClass === c);
          const worse = ls.filter((l) => verdict(l.englishMinusOwn) === "worse").length;
          return (
            <tbody key={c} data-testid="recal-class" data-class={c}>
              <tr className="group">
                <th colSpan={3}>Resource class {c} ({ls.length} languages)</th>
                <th>{mean(ls.map((l) => l.before.ece))}</th>
                <th>{mean(ls.map((l) => l.after["per-language"]?.ece ?? null))}</th>
                <th>{mean(ls.map((l) => l.after.english?.ece ?? null))}</th>
                <th>{mean(ls.map((l) => l.after.pooled?.ece ?? null))}</th>
                <th data-testid="class-worse">{ls.some((l) => l.englishMinusOwn) ? `English fit worse in ${worse} of ${ls.length}` : "—"}</th>
              </tr>
              {ls.map(row)}
            </tbody>
          );
        })}
      </table>
    </section>
  );
}
