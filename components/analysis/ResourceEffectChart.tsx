"use client";
/**
 * Δ ECE (tuned − base) per language against the language's resource class, for one configuration, with
 * Spearman's ρ and its bootstrap interval; points spread within a class by their order (deterministic).
 */
import { useRef } from "react";
import { scaleLinear } from "d3";
import type { ConfigurationEffect } from "@/lib/db/queries/resource-effect";
import { ExportBar } from "@/components/ui/ExportBar";
import { rhoText } from "./rho-text";

const W = 640;
const H = 380;
const M = { l: 56, r: 16, t: 16, b: 44 };


export function ResourceEffectChart({ name, config, label }: { name: string; config: ConfigurationEffect; label: string }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const deltas = config.points.map((p) => p.delta);
  const lo = Math.min(0, ...deltas);
  const hi = Math.max(0, ...deltas);
  const pad = (hi - lo) * 0.08 || 0.01;
  const x = scaleLinear().domain([-0.5, 5.5]).range([M.l, W - M.r]);
  const y = scaleLinear().domain([lo - pad, hi + pad]).range([H - M.b, M.t]).nice();
  const perClass = new Map<number, number>();
  const within = config.points.map((p) => {
    const k = perClass.get(p.resourceClass) ?? 0;
    perClass.set(p.resourceClass, k + 1);
    return k;
  });
  const offset = (i: number) => {
    const n = perClass.get(config.points[i].resourceClass) as number;
    return n === 1 ? 0 : (within[i] / (n - 1) - 0.5) * 0.6;
  };
  const means = [0, 1, 2, 3, 4, 5].map((c) => {
    const v = config.points.filter((p) => p.resourceClass === c).map((p) => p.delta);
    return v.length ? { c, mean: v.reduce((s, d) => s + d, 0) / v.length } : null;
  });
  const csv = () =>
    ["language,name,resource_class,delta_ece"].concat(config.points.map((p) => `${p.language},"${p.name}",${p.resourceClass},${p.delta}`)).join("\n") + "\n";
  return (
    <figure data-testid="resource-effect">
      <ExportBar name={name} getSvg={() => svgRef.current} getCsv={csv} />
      <svg ref={svgRef} width={W} height={H} role="img" aria-label={`Δ ECE against resource class, ${label}`} data-testid="resource-effect-chart">
        <line x1={M.l} x2={W - M.r} y1={y(0)} y2={y(0)} stroke="#999" />
        {y.ticks(6).map((t) => (
          <text key={t} x={M.l - 6} y={y(t) + 4} textAnchor="end" fontSize={11}>{t.toFixed(2)}</text>
        ))}
        {[0, 1, 2, 3, 4, 5].map((c) => (
          <text key={c} x={x(c)} y={H - M.b + 16} textAnchor="middle" fontSize={11}>{c}</text>
        ))}
        <text x={(M.l + W) / 2} y={H - 6} textAnchor="middle" fontSize={12}>resource class (Joshi et al. 2020: 0 = least resourced, 5 = most)</text>
        <text transform={`translate(14 ${(H - M.b) / 2}) rotate(-90)`} textAnchor="middle" fontSize={12}>Δ ECE (tuned − base)</text>
        {means.map((m) => m && <line key={m.c} x1={x(m.c) - 18} x2={x(m.c) + 18} y1={y(m.mean)} y2={y(m.mean)} stroke="#333" strokeWidth={2} data-testid="class-mean" />)}
        {config.points.map((p, i) => (
          <circle key={p.language} cx={x(p.resourceClass + offset(i))} cy={y(p.delta)} r={4} fill={p.delta > 0 ? "#d62728" : "#1f77b4"} fillOpacity={0.75} data-testid="delta-point" data-language={p.language}>
            <title>{`${p.name} (${p.language}), class ${p.resourceClass}: Δ ECE ${p.delta.toFixed(4)}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption data-testid="rho">
        {label}: Spearman {rhoText(config)} (95% bootstrap, {config.points.length} languages)
      </figcaption>
    </figure>
  );
}
