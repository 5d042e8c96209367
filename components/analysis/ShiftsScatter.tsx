"use client";
/**
 * Base vs tuned confidence per question, coloured by the change in correctness; each point links to the
 * question (/questions/[id]). Counts of flips and of confident-and-wrong gained / lost beside it.
 */
import { useRef } from "react";
import { scaleLinear } from "d3";
import type { ShiftCounts, ShiftKind } from "@/lib/calibration/shifts";
import { ExportBar } from "@/components/ui/ExportBar";

export interface ShiftPoint {
  questionId: number;
  externalId: string;
  baseConfidence: number;
  tunedConfidence: number;
  kind: ShiftKind;
}

export const SHIFT_COLOURS: Record<ShiftKind, string> = {
  "right-to-wrong": "#d62728",
  "wrong-to-right": "#2ca02c",
  "stays-right": "#9ecae1",
  "stays-wrong": "#636363",
};
const SHIFT_LABELS: Record<ShiftKind, string> = {
  "right-to-wrong": "right → wrong",
  "wrong-to-right": "wrong → right",
  "stays-right": "right both",
  "stays-wrong": "wrong both",
};

const W = 460;
const M = 44;

export function ShiftsScatter({
  name,
  points,
  counts,
  threshold,
  baseLabel,
  tunedLabel,
}: {
  name: string;
  points: ShiftPoint[];
  counts: ShiftCounts;
  threshold: number;
  baseLabel: string;
  tunedLabel: string;
}) {
  const svgRef = useRef<SVGSVGElement>(null);
  const x = scaleLinear().domain([0, 1]).range([M, W - 12]);
  const y = scaleLinear().domain([0, 1]).range([W - M, 12]);
  const csv = () =>
    ["question_id,external_id,base_confidence,tuned_confidence,change"]
      .concat(points.map((p) => `${p.questionId},"${p.externalId.replace(/"/g, '""')}",${p.baseConfidence},${p.tunedConfidence},${p.kind}`))
      .join("\n") + "\n";
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="shifts" data-testid="shifts">
      <ExportBar name={name} getSvg={() => svgRef.current} getCsv={csv} />
      <div style={{ display: "flex", gap: 24, flexWrap: "wrap" }}>
        <svg ref={svgRef} width={W} height={W} role="img" aria-label={`${tunedLabel} vs ${baseLabel} confidence per question`} data-testid="shifts-chart">
          <rect x={M} y={12} width={W - M - 12} height={W - M - 12} fill="none" stroke="#ccc" />
          <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke="#bbb" strokeDasharray="4 3" />
          <line x1={x(0)} y1={y(threshold)} x2={x(1)} y2={y(threshold)} stroke="#d62728" strokeOpacity={0.3} />
          <line x1={x(threshold)} y1={y(0)} x2={x(threshold)} y2={y(1)} stroke="#d62728" strokeOpacity={0.3} />
          {ticks.map((t) => (
            <g key={t}>
              <text x={x(t)} y={W - M + 16} textAnchor="middle" fontSize={11}>{t}</text>
              <text x={M - 6} y={y(t) + 4} textAnchor="end" fontSize={11}>{t}</text>
            </g>
          ))}
          <text x={(M + W) / 2} y={W - 6} textAnchor="middle" fontSize={12}>confidence, {baseLabel} (base)</text>
          <text transform={`translate(12 ${(W - M) / 2}) rotate(-90)`} textAnchor="middle" fontSize={12}>confidence, {tunedLabel} (tuned)</text>
          {points.map((p) => (
            <a key={p.questionId} href={`/questions/${p.questionId}`} data-testid="shift-point" data-kind={p.kind}>
              <circle cx={x(p.baseConfidence)} cy={y(p.tunedConfidence)} r={3} fill={SHIFT_COLOURS[p.kind]} fillOpacity={0.7}>
                <title>{`question ${p.externalId}: ${SHIFT_LABELS[p.kind]}, confidence ${p.baseConfidence.toFixed(3)} → ${p.tunedConfidence.toFixed(3)}`}</title>
              </circle>
            </a>
          ))}
        </svg>
        <table className="data" data-testid="shift-counts">
          <tbody>
            <tr><th>questions (matched)</th><td data-count="n">{counts.n}</td></tr>
            {(Object.keys(SHIFT_LABELS) as ShiftKind[]).map((k) => (
              <tr key={k}>
                <th><span style={{ color: SHIFT_COLOURS[k] }}>●</span> {SHIFT_LABELS[k]}</th>
                <td data-count={k}>{k === "right-to-wrong" ? counts.rightToWrong : k === "wrong-to-right" ? counts.wrongToRight : k === "stays-right" ? counts.staysRight : counts.staysWrong}</td>
              </tr>
            ))}
            <tr><th>confident (≥ {threshold}) and wrong: base</th><td data-count="cw-base">{counts.confidentWrongBase}</td></tr>
            <tr><th>confident and wrong: tuned</th><td data-count="cw-tuned">{counts.confidentWrongTuned}</td></tr>
            <tr><th>confident and wrong gained by tuning</th><td data-count="cw-gained">{counts.confidentWrongGained}</td></tr>
            <tr><th>confident and wrong lost by tuning</th><td data-count="cw-lost">{counts.confidentWrongLost}</td></tr>
            <tr><th>accuracy base → tuned</th><td>{counts.accuracyBase.toFixed(3)} → {counts.accuracyTuned.toFixed(3)}</td></tr>
            <tr><th>mean confidence base → tuned</th><td>{counts.confidenceBase.toFixed(3)} → {counts.confidenceTuned.toFixed(3)}</td></tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
