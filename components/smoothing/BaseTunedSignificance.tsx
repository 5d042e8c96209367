"use client";
/**
 * Base → tuned, per language, for measured runs: Δ (tuned − base) of ECE, accuracy and entropy with its 95%
 * interval and p from the paired bootstrap over the questions both runs answered (GET /smoothing/significance,
 * runA = base, runB = tuned). Tested on request (a few seconds per pair); says plainly when there is nothing to
 * compare. The p shown is Holm-adjusted across the languages of each base → tuned pair (lib/views/base-tuned-table.ts);
 * the raw p is on hover and both are in the CSV. The rows are drawn in the browser only (the server sends the pairs,
 * not their markup): on the full grid's /smoothing that is 1,134 rows, ~700 KiB of HTML rendered on every request.
 */
import { useMemo, useState } from "react";
import type { BaseTunedPair } from "@/lib/db/queries/base-tuned";
import { formatValue } from "@/lib/format";
import { deltaLabel } from "@/lib/calibration/registry";
import { tableCsv } from "@/lib/view-state/data-out";
import {
  BASE_TUNED_COLUMNS,
  BASE_TUNED_METRICS,
  baseTunedCsvRows,
  baseTunedRows,
  pairKey as key,
  type TestResult,
} from "@/lib/views/base-tuned-table";
import { ExportBar } from "@/components/ui/ExportBar";
import { type PackedPairs, unpackPairs } from "@/lib/views/base-tuned-packed";
import { useIsClient } from "@/components/ui/use-is-client";

const METRICS = BASE_TUNED_METRICS.map((m) => ({ m, label: deltaLabel(m) }));
const ALPHA = 0.05;
const p2 = (p: number) => p.toPrecision(2);

/** `packed`: the pairs as lib/views/base-tuned-packed.ts packs them (a tenth of the page's payload on a full grid). */
export function BaseTunedSignificance({ packed, benchmark }: { packed: PackedPairs; benchmark: string }) {
  const pairs = useMemo(() => unpackPairs(packed), [packed]);
  const [results, setResults] = useState<Record<string, TestResult>>({});
  const isClient = useIsClient();

  const test = async (p: BaseTunedPair) => {
    setResults((r) => ({ ...r, [key(p)]: "running" }));
    let out: TestResult;
    try {
      const res = await fetch(`/smoothing/significance?runA=${p.runA}&runB=${p.runB}&language=${p.language}`);
      const body = await res.json();
      out = res.ok ? { n: body.n, metrics: body.metrics } : { error: body.error?.message ?? res.statusText };
    } catch (e) {
      out = { error: String(e) };
    }
    setResults((r) => ({ ...r, [key(p)]: out }));
  };

  if (pairs.length === 0)
    return (
      <p className="muted" data-testid="base-tuned-empty">
        Nothing to compare base → tuned here: this selection on {benchmark} has no measured tuned model whose base
        model is measured on the same language. Import both, e.g.{" "}
        <code>npm run calib -- import FILE --model NAME --base BASE --sft DATASET --benchmark {benchmark}</code>.
      </p>
    );

  const rows = baseTunedRows(pairs, results);
  return (
    <div data-testid="base-tuned">
      {/* Exported once something is tested: the CSV holds raw and Holm-adjusted p per language. */}
      {Object.keys(results).length > 0 && (
        <ExportBar name={`base-tuned-${benchmark}`} getCsv={() => tableCsv(BASE_TUNED_COLUMNS, baseTunedCsvRows(rows))} />
      )}
      <p className="muted">
        Paired bootstrap over the questions both runs answered (200 resamples); Δ = tuned − base with its 95%
        interval. <span data-testid="base-tuned-holm-note">Holm p: Holm-adjusted across the languages of each
        base → tuned pair (family-wise error rate), shown once all its languages are tested; raw p on hover.
        Holm p &lt; 0.05 marked *.</span> {pairs.length} pair{pairs.length === 1 ? "" : "s"}.{" "}
        <button
          type="button"
          data-testid="base-tuned-all"
          onClick={async () => {
            for (const p of pairs) if (!results[key(p)] || results[key(p)] === "running") await test(p);
          }}
        >
          Test all
        </button>
      </p>
      <table className="data">
        <thead>
          <tr>
            <th>Language</th>
            <th>Base</th>
            <th>Tuned</th>
            <th className="num">n (base / tuned)</th>
            {METRICS.map((x) => (
              <th key={x.m} className="num">
                {x.label}
              </th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {!isClient && (
            <tr>
              <td colSpan={5 + METRICS.length} className="loading" data-testid="base-tuned-loading">
                Listing {pairs.length} pair{pairs.length === 1 ? "" : "s"}…
              </td>
            </tr>
          )}
          {isClient && rows.map(({ pair: p, result: r, family, tested, metrics }) => {
            return (
              <tr key={key(p)} data-testid="base-tuned-row" data-language={p.language} data-tuned={p.tuned}>
                <td>
                  {p.languageName} ({p.language})
                </td>
                <td>{p.base}</td>
                <td>{p.tunedLabel}</td>
                <td className="num">
                  {p.nA} / {p.nB}
                </td>
                {METRICS.map(({ m }) => {
                  const v = metrics[m];
                  const ci = v
                    ? `${formatValue(v.difference, { delta: true })} [${formatValue(v.interval[0], { delta: true })}, ${formatValue(v.interval[1], { delta: true })}]`
                    : "";
                  return (
                    <td
                      key={m}
                      className="num"
                      data-testid={`base-tuned-${m}`}
                      data-p={v?.p ?? ""}
                      data-p-holm={v?.pHolm ?? ""}
                      title={
                        v
                          ? `raw p = ${v.p} (paired bootstrap, this language alone)` +
                            (v.pHolm === null
                              ? `; Holm p once all ${family} languages of this pair are tested (${tested} so far)`
                              : `; Holm-adjusted over ${family} language${family === 1 ? "" : "s"}: ${v.pHolm}`)
                          : undefined
                      }
                    >
                      {v
                        ? v.pHolm === null
                          ? `${ci} raw p=${p2(v.p)} (Holm: ${tested}/${family} tested)`
                          : `${ci} Holm p=${p2(v.pHolm)}${v.pHolm < ALPHA ? " *" : ""}`
                        : ""}
                    </td>
                  );
                })}
                <td>
                  {r === "running" ? (
                    "testing…"
                  ) : r && "error" in r ? (
                    <span className="error-text">{r.error}</span>
                  ) : r ? (
                    `n = ${r.n}`
                  ) : (
                    <button type="button" onClick={() => void test(p)} data-testid="base-tuned-test">
                      Test
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
