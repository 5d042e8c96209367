"use client";
/**
 * The per-language heatmap: d3 computes scales and colours, React renders the SVG.
 * Colours follow the metric's better direction (heatmap-colors.ts: dark purple = better, for every metric and
 * mode), the column header has two levels (family / configuration, heatmap-layout.ts) and is never cut, and the
 * figure carries its own caption so an SVG/PNG export describes itself. Every cell prints its value in black or
 * white, whichever contrasts more (≥ 4.5:1), is reachable by keyboard, and carries data-* attributes with the
 * exact number, which browser tests compare with the database.
 */
import * as d3 from "d3";
import { useMemo, useRef, useState } from "react";
import type { HeatmapData } from "@/lib/db/queries/heatmap";
import { toCsv } from "@/lib/charts/export";
import { textOn } from "@/lib/charts/contrast";
import { formatValue } from "@/lib/format";
import { ExportBar } from "@/components/ui/ExportBar";
import { useIsClient } from "@/components/ui/use-is-client";
import { RESOURCE_CLASS_LABELS } from "@/lib/languages";
import { buildMatrix, FEW_QUESTIONS, type HeatmapMode, type MatrixColumn, type RowSort } from "@/lib/views/heatmap-matrix";
import { heatmapScale, type Better } from "./heatmap-colors";
import { CELL_H, headerLayout, ROW_LABEL_W, textWidth } from "./heatmap-layout";

const LEGEND_H = 52;
const LEGEND_W = 240;

export interface HeatmapChartProps {
  data: HeatmapData;
  mode: HeatmapMode;
  sort: RowSort;
  betaA: string;
  betaB: string;
  metricLabel: string;
  /** Which way the metric improves (null: no direction, e.g. entropy). */
  better: Better;
  /** Lines printed at the top of the figure (benchmark, metric, binning, sources): exports describe themselves. */
  caption: string[];
  /** Query string (benchmark etc.) that a measured cell's reliability link starts from. */
  reliabilityQuery: string;
}

const few = (n: number | undefined | null) => n !== undefined && n !== null && n < FEW_QUESTIONS;

function subLabel(c: MatrixColumn): string {
  return `${c.source === "measured" ? "● " : ""}${c.short}${few(c.maxN) ? ` (n = ${c.maxN})` : ""}`;
}

export function HeatmapChart(props: HeatmapChartProps) {
  const { data, mode, sort, betaA, betaB } = props;
  const isClient = useIsClient();
  const svgRef = useRef<SVGSVGElement>(null);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  const matrix = useMemo(
    () => buildMatrix(data, mode, sort, { a: betaA, b: betaB }),
    [data, mode, sort, betaA, betaB],
  );
  const delta = mode !== "absolute";

  // Cells resting on few questions do not stretch the colour scale (they are clamped to its ends).
  const scale = useMemo(() => {
    const all = matrix.columns.flatMap((c) => Object.values(matrix.cells[c.key] ?? {}));
    const solid = all.filter((v) => !few(v.n));
    return heatmapScale((solid.length ? solid : all).map((v) => v.value), delta, props.better);
  }, [matrix, delta, props.better]);

  const layout = useMemo(
    () => headerLayout(matrix.columns.map((c) => ({ family: c.family, sub: subLabel(c) })), props.caption),
    [matrix, props.caption],
  );
  const anyFew = matrix.columns.some((c) => Object.values(matrix.cells[c.key] ?? {}).some((v) => few(v.n)));
  const fewNote = `⚠ / dashed: fewer than ${FEW_QUESTIONS} questions (kept out of the colour scale)`;
  const width = Math.max(layout.width, ROW_LABEL_W + LEGEND_W + 24 + (anyFew ? textWidth(fewNote, 10) : 0));
  const HEADER_H = layout.headerH;
  const height = HEADER_H + matrix.rows.length * CELL_H + LEGEND_H;
  const fmt = (v: number) => formatValue(v, { delta });
  const metricTitle = delta ? `Δ ${props.metricLabel}` : props.metricLabel;

  // CSV: the exact text of each value (published decimals, decimal Δ, measured floats at full precision).
  const csv = () =>
    toCsv(
      ["language", "language_name", "resource_class", ...matrix.columns.map((c) => c.label)],
      matrix.rows.map((r) => [
        r.code,
        r.name,
        r.resourceClass,
        ...matrix.columns.map((c) => matrix.cells[c.key]?.[r.code]?.text ?? null),
      ]),
    );

  if (matrix.columns.length === 0) {
    return (
      <div className="empty" data-testid="heatmap-empty">
        Nothing to show for this selection
        {mode === "delta-beta" ? ` (no configuration has both β=${betaA} and β=${betaB})` : ""}. Widen the
        filters, or import results:{" "}
        <code>npm run calib -- import FILE --model NAME --benchmark {data.benchmark}</code>.
      </div>
    );
  }

  const legendScale = d3.scaleLinear().domain([scale.left, scale.right]).range([0, LEGEND_W]);
  const legendTop = HEADER_H + matrix.rows.length * CELL_H + 12;

  return (
    <div>
      <ExportBar
        name={`heatmap-${data.benchmark}-${data.metric}-${mode}`}
        getSvg={() => svgRef.current}
        getCsv={csv}
      />
      <div className="chart-scroll">
        {/* Drawn in the browser only: the server sends the cell values, not ~1 MB of SVG markup (measured in README.md, "Benchmarks"). */}
        {!isClient ? (
          <div style={{ height, width }} className="loading" data-testid="heatmap-loading">
            Drawing {matrix.rows.length} × {matrix.columns.length} cells…
          </div>
        ) : (
          <svg
            ref={svgRef}
            width={width}
            height={height}
            viewBox={`0 0 ${width} ${height}`}
            role="img"
            aria-label={`${metricTitle} per language and configuration`}
            data-testid="heatmap"
            fontSize={11}
          >
            <rect width={width} height={height} fill="#ffffff" />
            {props.caption.map((line, i) => (
              <text key={i} x={4} y={14 + i * 14} fontSize={i === 0 ? 12 : 11} fontWeight={i === 0 ? 600 : 400} fill={i === 0 ? "#1d2430" : "#4a5361"} data-testid="heatmap-caption">
                {line}
              </text>
            ))}
            {layout.families.map((f) => (
              <g key={`${f.family}-${f.x}`} data-testid="family-label">
                <line x1={f.x + 2} x2={f.x + f.width - 2} y1={layout.familyY + 4} y2={layout.familyY + 4} stroke="#9aa4b2" />
                <text x={f.x + f.width / 2} y={layout.familyY} textAnchor="middle" fontSize={12} fontWeight={600} fill="#1d2430">
                  {f.family}
                  <title>{f.family}</title>
                </text>
              </g>
            ))}
            {matrix.columns.map((c, j) => (
              <g
                key={c.key}
                transform={`translate(${layout.x[j] + layout.w[j] / 2},${HEADER_H - 6}) rotate(-55)`}
              >
                <text data-testid="column-label" data-label={c.label} fill={c.source === "measured" ? "#2f5d8a" : "#1d2430"}>
                  {subLabel(c)}
                  <title>{`${c.label} (${c.source}${c.maxN !== null ? `, up to ${c.maxN} questions per language` : ""})`}</title>
                </text>
              </g>
            ))}
            {matrix.rows.map((r, i) => (
              <g
                key={r.code}
                transform={`translate(0,${HEADER_H + i * CELL_H})`}
                data-testid={`row-${r.code}`}
              >
                <text x={4} y={CELL_H / 2} dominantBaseline="middle">
                  {r.name}{" "}
                  <tspan fill="#4a5361">
                    ({r.code}
                    {r.resourceClass >= 0 ? ` · ${r.resourceClass}` : ""})
                  </tspan>
                  <title>{`${r.name} — resource class ${RESOURCE_CLASS_LABELS[r.resourceClass] ?? "unclassified"}, ${r.script} script`}</title>
                </text>
                {matrix.columns.map((c, j) => {
                  const cell = matrix.cells[c.key]?.[r.code];
                  if (!cell) return null;
                  const fill = scale.color(cell.value);
                  const x = layout.x[j];
                  const w = layout.w[j];
                  const thin = few(cell.n);
                  const href =
                    c.source === "measured"
                      ? `/reliability?${props.reliabilityQuery}&languages=${r.code}&models=${encodeURIComponent(c.model)}`
                      : null;
                  const tip =
                    `${r.name} (${r.code})\n${c.label}\n${props.metricLabel}: ${cell.detail}${delta ? ` = ${fmt(cell.value)}` : ""}` +
                    (cell.n !== undefined ? `\nn = ${cell.n} questions${thin ? ` — few questions (< ${FEW_QUESTIONS}): read with care` : ""}` : "") +
                    (c.source === "measured" ? "\nmeasured — click for reliability diagrams" : "\npublished");
                  const show = (el: Element) => {
                    const b = el.getBoundingClientRect();
                    setHover({ x: b.right + 8, y: b.bottom + 8, text: tip });
                  };
                  const rect = (
                    <g
                      data-testid={`cell-${r.code}-${c.key}`}
                      data-value={cell.value}
                      data-text={cell.text}
                      data-language={r.code}
                      data-column={c.label}
                      data-n={cell.n ?? ""}
                      tabIndex={href ? undefined : 0}
                      role={href ? undefined : "img"}
                      aria-label={`${r.name}, ${c.label}: ${fmt(cell.value)}`}
                      onFocus={(e) => show(e.currentTarget)}
                      onBlur={() => setHover(null)}
                      onMouseMove={(e) => setHover({ x: e.clientX + 12, y: e.clientY + 12, text: tip })}
                      onMouseLeave={() => setHover(null)}
                      style={{ cursor: href ? "pointer" : "default" }}
                    >
                      <rect
                        x={x + 1}
                        y={1}
                        width={w - 2}
                        height={CELL_H - 2}
                        fill={fill}
                        rx={2}
                        stroke={thin ? "#d55e00" : undefined}
                        strokeDasharray={thin ? "3 2" : undefined}
                      />
                      <text
                        x={x + w / 2}
                        y={CELL_H / 2}
                        dominantBaseline="middle"
                        textAnchor="middle"
                        fill={textOn(fill)}
                        fontSize={10}
                      >
                        {fmt(cell.value)}
                        {thin ? "⚠" : ""}
                      </text>
                    </g>
                  );
                  return href ? (
                    <a
                      key={c.key}
                      href={href}
                      aria-label={`${r.name}, ${c.label}: ${fmt(cell.value)}`}
                      onFocus={(e) => show(e.currentTarget)}
                      onBlur={() => setHover(null)}
                    >
                      {rect}
                    </a>
                  ) : (
                    <g key={c.key}>{rect}</g>
                  );
                })}
              </g>
            ))}
            <g transform={`translate(${ROW_LABEL_W},${legendTop})`} className="legend" data-testid="heatmap-legend">
              <text x={0} y={9} fontSize={11} fill="#1d2430" fontWeight={600}>
                {metricTitle}
              </text>
              <text x={LEGEND_W / 2} y={9} fontSize={11} fill="#1d2430" textAnchor="middle" data-testid="legend-direction">
                {`${scale.leftLabel} ← → ${scale.rightLabel}`}
              </text>
              {d3.range(0, 24).map((k) => (
                <rect
                  key={k}
                  x={k * (LEGEND_W / 24)}
                  y={14}
                  width={LEGEND_W / 24 + 0.5}
                  height={10}
                  fill={scale.color(legendScale.invert((k + 0.5) * (LEGEND_W / 24)))}
                />
              ))}
              {legendScale.ticks(4).filter((_, k, all) => all.length <= 5 || k % 2 === 0).map((t) => (
                <text key={t} x={legendScale(t)} y={36} textAnchor="middle" fontSize={10} fill="#4a5361">
                  {fmt(t)}
                </text>
              ))}
              {anyFew && (
                <text x={LEGEND_W + 16} y={23} fontSize={10} fill="#4a5361">
                  {fewNote}
                </text>
              )}
            </g>
          </svg>
        )}
      </div>
      {hover && (
        <div className="tooltip" style={{ left: hover.x, top: hover.y }} data-testid="tooltip">
          {hover.text}
        </div>
      )}
    </div>
  );
}
