"use client";
/**
 * Reliability diagram of one language before and after recalibration (own-language, English and pooled fits):
 * accuracy against mean confidence of each non-empty equal-width bin, the diagonal being perfect calibration.
 */
import { useRef } from "react";
import { scaleLinear, scaleSqrt } from "d3";
import type { RecalibrationLanguage } from "@/lib/db/queries/recalibration";
import { ExportBar } from "@/components/ui/ExportBar";

export const OVERLAY_SERIES = [
  { key: "before", label: "before", colour: "#7f7f7f" },
  { key: "per-language", label: "own-language fit", colour: "#1f77b4" },
  { key: "english", label: "English fit", colour: "#ff7f0e" },
  { key: "pooled", label: "pooled fit", colour: "#2ca02c" },
] as const;

const W = 420;
const M = 44;

export function RecalibrationReliability({ name, language }: { name: string; language: RecalibrationLanguage }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const x = scaleLinear().domain([0, 1]).range([M, W - 12]);
  const y = scaleLinear().domain([0, 1]).range([W - M, 12]);
  const r = scaleSqrt().domain([0, language.n]).range([0, 12]);
  const series = OVERLAY_SERIES.filter((s) => language.reliability[s.key]);
  const csv = () =>
    ["series,bin,count,accuracy,confidence"]
      .concat(series.flatMap((s) => language.reliability[s.key].map((b, i) => `${s.key},${i},${b.count},${b.accuracy ?? ""},${b.confidence ?? ""}`)))
      .join("\n") + "\n";
  return (
    <figure data-testid="recal-reliability" data-language={language.language}>
      <ExportBar name={name} getSvg={() => svgRef.current} getCsv={csv} />
      <svg ref={svgRef} width={W} height={W} role="img" aria-label={`reliability before and after recalibration, ${language.name}`}>
        <rect x={M} y={12} width={W - M - 12} height={W - M - 12} fill="none" stroke="#ccc" />
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke="#bbb" strokeDasharray="4 3" />
        {[0, 0.5, 1].map((t) => (
          <g key={t}>
            <text x={x(t)} y={W - M + 16} textAnchor="middle" fontSize={11}>{t}</text>
            <text x={M - 6} y={y(t) + 4} textAnchor="end" fontSize={11}>{t}</text>
          </g>
        ))}
        <text x={(M + W) / 2} y={W - 6} textAnchor="middle" fontSize={12}>mean confidence in bin</text>
        <text transform={`translate(12 ${(W - M) / 2}) rotate(-90)`} textAnchor="middle" fontSize={12}>accuracy in bin</text>
        {series.map((s) => {
          const pts = language.reliability[s.key].filter((b) => b.count > 0);
          return (
            <g key={s.key} data-testid="overlay-series" data-series={s.key}>
              <polyline fill="none" stroke={s.colour} strokeWidth={1.5} points={pts.map((b) => `${x(b.confidence as number)},${y(b.accuracy as number)}`).join(" ")} />
              {pts.map((b, i) => (
                <circle key={i} cx={x(b.confidence as number)} cy={y(b.accuracy as number)} r={Math.max(2, r(b.count))} fill={s.colour} fillOpacity={0.35}>
                  <title>{`${s.label}: ${b.count} questions, confidence ${(b.confidence as number).toFixed(3)}, accuracy ${(b.accuracy as number).toFixed(3)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {language.name} ({language.language}):{" "}
        {series.map((s) => (
          <span key={s.key} style={{ color: s.colour, marginRight: 12 }}>● {s.label}</span>
        ))}
      </figcaption>
    </figure>
  );
}
