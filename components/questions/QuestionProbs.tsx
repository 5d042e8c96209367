"use client";
/**
 * One question's option probabilities, each model side by side: grouped bars (d3 scales, React SVG;
 * colour = model in Okabe–Ito order, with the model's value printed on each bar so nothing relies on
 * colour alone), the gold option marked, each model's answer marked ▲. Exports SVG/PNG/CSV.
 */
import { range, scaleBand, scaleLinear } from "d3";
import { useRef } from "react";
import type { QuestionPrediction } from "@/lib/db/queries/questions";
import { toCsv } from "@/lib/charts/export";
import { ExportBar } from "@/components/ui/ExportBar";
import { OKABE_ITO } from "@/lib/views/reliability-view";
import { LETTERS } from "./letters";

export function QuestionProbs({
  questionId,
  options,
  optionCount,
  gold,
  predictions,
}: {
  questionId: number;
  options: string[];
  optionCount: number;
  gold: number | null;
  predictions: QuestionPrediction[];
}) {
  const svgRef = useRef<SVGSVGElement>(null);
  const k = Math.max(optionCount, ...predictions.map((p) => p.probs.length), 1);
  const opts = range(k);
  const labelW = 160;
  const groupH = Math.max(28, predictions.length * 16 + 10);
  const width = 900;
  const height = 40 + k * groupH;
  const sx = scaleLinear()
    .domain([0, 1])
    .range([0, width - labelW - 80]);
  const sy = scaleBand<number>()
    .domain(range(predictions.length))
    .range([4, groupH - 6])
    .paddingInner(0.15);
  const label = (p: QuestionPrediction) => `${p.model} (run ${p.runId})`;

  const csv = () =>
    toCsv(
      ["question_id", "option", "option_text", "gold", ...predictions.map(label)],
      opts.map((j) => [
        questionId,
        LETTERS[j] ?? String(j),
        options[j] ?? null,
        gold === j ? 1 : 0,
        ...predictions.map((p) => p.probs[j] ?? null),
      ]),
    );

  return (
    <div>
      <ExportBar name={`question-${questionId}-probabilities`} getSvg={() => svgRef.current} getCsv={csv} />
      <div className="chart-scroll">
        <svg
          ref={svgRef}
          width={width}
          height={height}
          fontSize={11}
          data-testid="question-probs"
          role="img"
          aria-label="Each model's probability of every option"
        >
          <g transform="translate(8,14)" className="legend">
            {predictions.map((p, i) => (
              <g key={p.runId} transform={`translate(${(i % 4) * 220},${Math.floor(i / 4) * 14})`}>
                <rect width={10} height={10} y={-9} fill={OKABE_ITO[(i + 1) % OKABE_ITO.length]} />
                <text x={14} fill="#1d2430">
                  {label(p)}
                </text>
              </g>
            ))}
          </g>
          <g transform={`translate(0,${24 + Math.ceil(predictions.length / 4) * 14 - 14})`}>
            {opts.map((j) => (
              <g key={j} transform={`translate(0,${j * groupH})`} data-testid="option-group" data-option={j}>
                <rect
                  x={0}
                  y={0}
                  width={width}
                  height={groupH}
                  fill={gold === j ? "#e6f4ee" : j % 2 ? "#fbfcfd" : "white"}
                />
                <text x={8} y={groupH / 2} dominantBaseline="middle" fontWeight={gold === j ? 700 : 400}>
                  {LETTERS[j]}
                  {gold === j ? " ✓ gold" : ""}
                </text>
                {predictions.map((p, i) => {
                  const v = p.probs[j];
                  if (v === undefined) return null;
                  const c = OKABE_ITO[(i + 1) % OKABE_ITO.length];
                  return (
                    <g
                      key={p.runId}
                      transform={`translate(${labelW},${sy(i)})`}
                      data-testid="prob-bar"
                      data-run={p.runId}
                      data-model={p.model}
                      data-option={j}
                      data-value={v}
                    >
                      <rect width={Math.max(0.5, sx(v))} height={sy.bandwidth()} fill={c} />
                      <text
                        x={sx(v) + 4}
                        y={sy.bandwidth() / 2}
                        dominantBaseline="middle"
                        fill="#1d2430"
                        fontSize={10}
                      >
                        {v.toFixed(3)}
                        {p.predicted === j ? " ▲ answer" : ""}
                      </text>
                    </g>
                  );
                })}
              </g>
            ))}
          </g>
        </svg>
      </div>
    </div>
  );
}
