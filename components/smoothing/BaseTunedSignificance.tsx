"use client";
/**
 * Base → tuned, per language, for measured runs: Δ (tuned − base) of ECE, accuracy and entropy with its 95%
 * interval and p from the paired bootstrap over the questions both runs answered (GET /smoothing/significance,
 * runA = base, runB = tuned). Tested on request (a few seconds per pair); says plainly when there is nothing to
 * compare.
 */
import { useState } from "react";
import type { BaseTunedPair } from "@/lib/db/queries/base-tuned";
import { formatValue } from "@/lib/format";
import { deltaLabel, PAPER_METRICS, reportedUnder } from "@/lib/calibration/registry";

/** What the equal-width paired bootstrap tests: the paper's metrics reported under equal-width bins or none. */
const METRICS = reportedUnder(PAPER_METRICS, "equal-width").map((m) => ({ m, label: deltaLabel(m) }));

interface Metric {
  difference: number;
  interval: [number, number];
  p: number;
}
type Result = { n: number; metrics: Partial<Record<string, Metric>> } | { error: string } | "running";

const key = (p: BaseTunedPair) => `${p.runA}|${p.runB}|${p.language}`;

export function BaseTunedSignificance({ pairs, benchmark }: { pairs: BaseTunedPair[]; benchmark: string }) {
  const [results, setResults] = useState<Record<string, Result>>({});

  const test = async (p: BaseTunedPair) => {
    setResults((r) => ({ ...r, [key(p)]: "running" }));
    let out: Result;
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

  return (
    <div data-testid="base-tuned">
      <p className="muted">
        Paired bootstrap over the questions both runs answered (200 resamples); Δ = tuned − base with its 95%
        interval; p &lt; 0.05 marked *. {pairs.length} pair{pairs.length === 1 ? "" : "s"}.{" "}
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
          {pairs.map((p) => {
            const r = results[key(p)];
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
                  const v = r && r !== "running" && !("error" in r) ? r.metrics[m] : undefined;
                  return (
                    <td key={m} className="num" data-testid={`base-tuned-${m}`} data-p={v?.p ?? ""}>
                      {v
                        ? `${formatValue(v.difference, { delta: true })} [${formatValue(v.interval[0], { delta: true })}, ${formatValue(v.interval[1], { delta: true })}] p=${v.p.toPrecision(2)}${v.p < 0.05 ? " *" : ""}`
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
