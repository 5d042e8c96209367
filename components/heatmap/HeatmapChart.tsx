"use client";
/**
 * The per-language heatmap: d3 computes scales and colours, React renders the SVG.
 * Every cell prints its value (labels do not rely on colour alone) and carries data-* attributes
 * with the exact number, which browser tests compare with the database.
 */
import * as d3 from "d3";
import { useMemo, useRef, useState } from "react";
import type { HeatmapData } from "@/lib/db/queries/heatmap";
import { toCsv } from "@/lib/charts/export";
import { ExportBar } from "@/components/ui/ExportBar";
import { useIsClient } from "@/components/ui/use-is-client";
import { RESOURCE_CLASS_LABELS } from "@/lib/languages";
import { buildMatrix, type HeatmapMode, type RowSort } from "./heatmap-model";

const CELL_W = 46;
const CELL_H = 20;
const ROW_LABEL_W = 150;
const HEADER_H = 150;
const LEGEND_H = 44;

export interface HeatmapChartProps {
  data: HeatmapData;
  mode: HeatmapMode;
  sort: RowSort;
  betaA: string;
  betaB: string;
  metricLabel: string;
  /** Lower is better (ECE, RMS): colours run the other way for accuracy. */
  lowerIsBetter: boolean;
  /** Query string (benchmark etc.) that a measured cell's reliability link starts from. */
  reliabilityQuery: string;
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

  const values = matrix.columns.flatMap((c) => Object.values(matrix.cells[c.key] ?? {}).map((v) => v.value));
  const color = useMemo(() => {
    if (mode === "absolute") {
      const [lo, hi] = d3.extent(values) as [number, number];
      const domain: [number, number] = props.lowerIsBetter ? [hi ?? 1, lo ?? 0] : [lo ?? 0, hi ?? 1];
      return d3.scaleSequential(d3.interpolateViridis).domain(domain);
    }
    const m = d3.max(values, (v) => Math.abs(v)) || 1e-9;
    // PuOr is colour-blind safe; purple = metric went down.
    return d3.scaleDiverging(d3.interpolatePuOr).domain(props.lowerIsBetter ? [m, 0, -m] : [-m, 0, m]);
  }, [values, mode, props.lowerIsBetter]);

  const width = ROW_LABEL_W + matrix.columns.length * CELL_W + 20;
  const height = HEADER_H + matrix.rows.length * CELL_H + LEGEND_H;
  const fmt = (v: number) => (mode === "absolute" ? v.toFixed(3) : (v > 0 ? "+" : "") + v.toFixed(3));
  const textColor = (fill: string) => (d3.lab(fill).l > 60 ? "#111" : "#fff");

  const csv = () =>
    toCsv(
      ["language", "language_name", "resource_class", ...matrix.columns.map((c) => c.label)],
      matrix.rows.map((r) => [
        r.code,
        r.name,
        r.resourceClass,
        ...matrix.columns.map((c) => matrix.cells[c.key]?.[r.code]?.value ?? null),
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

  const dom = color.domain() as number[];
  const legendScale = d3
    .scaleLinear()
    .domain([dom[0], dom[dom.length - 1]])
    .range([0, 240]);
  const legendStops = d3.range(0, 1.0001, 0.1).map((t) => legendScale.invert(t * 240));

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
            role="img"
            aria-label={`${props.metricLabel} per language and configuration`}
            data-testid="heatmap"
            fontSize={11}
          >
            {matrix.columns.map((c, j) => (
              <g
                key={c.key}
                transform={`translate(${ROW_LABEL_W + j * CELL_W + CELL_W / 2},${HEADER_H - 6}) rotate(-55)`}
              >
                <text data-testid="column-label" fill={c.source === "measured" ? "#2f5d8a" : "#1d2430"}>
                  {c.source === "measured" ? "● " : ""}
                  {c.label}
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
                  <tspan fill="#5b6675">
                    ({r.code}
                    {r.resourceClass >= 0 ? ` · ${r.resourceClass}` : ""})
                  </tspan>
                  <title>{`${r.name} — resource class ${RESOURCE_CLASS_LABELS[r.resourceClass] ?? "unclassified"}, ${r.script} script`}</title>
                </text>
                {matrix.columns.map((c, j) => {
                  const cell = matrix.cells[c.key]?.[r.code];
                  if (!cell) return null;
                  const fill = color(cell.value);
                  const x = ROW_LABEL_W + j * CELL_W;
                  const href =
                    c.source === "measured"
                      ? `/reliability?${props.reliabilityQuery}&languages=${r.code}&models=${encodeURIComponent(c.model)}`
                      : null;
                  const rect = (
                    <g
                      data-testid={`cell-${r.code}-${c.key}`}
                      data-value={cell.value}
                      data-language={r.code}
                      data-column={c.label}
                      onMouseMove={(e) =>
                        setHover({
                          x: e.clientX + 12,
                          y: e.clientY + 12,
                          text: `${r.name} (${r.code})\n${c.label}\n${props.metricLabel}: ${cell.detail}${mode === "absolute" ? "" : ` = ${fmt(cell.value)}`}${c.source === "measured" ? "\nmeasured — click for reliability diagrams" : "\npublished"}`,
                        })
                      }
                      onMouseLeave={() => setHover(null)}
                      style={{ cursor: href ? "pointer" : "default" }}
                    >
                      <rect x={x + 1} y={1} width={CELL_W - 2} height={CELL_H - 2} fill={fill} rx={2} />
                      <text
                        x={x + CELL_W / 2}
                        y={CELL_H / 2}
                        dominantBaseline="middle"
                        textAnchor="middle"
                        fill={textColor(fill)}
                        fontSize={10}
                      >
                        {fmt(cell.value)}
                      </text>
                    </g>
                  );
                  return href ? (
                    <a key={c.key} href={href}>
                      {rect}
                    </a>
                  ) : (
                    <g key={c.key}>{rect}</g>
                  );
                })}
              </g>
            ))}
            <g
              transform={`translate(${ROW_LABEL_W},${HEADER_H + matrix.rows.length * CELL_H + 12})`}
              className="legend"
            >
              {legendStops.slice(0, -1).map((v, k) => (
                <rect key={k} x={k * 24} y={0} width={24} height={10} fill={color(v)} />
              ))}
              {legendScale.ticks(5).map((t) => (
                <text key={t} x={legendScale(t)} y={24} textAnchor="middle" fontSize={10} fill="#5b6675">
                  {fmt(t)}
                </text>
              ))}
              <text x={260} y={9} fontSize={11} fill="#5b6675">
                {mode === "absolute" ? props.metricLabel : `Δ ${props.metricLabel}`}
                {mode !== "absolute" &&
                  (props.lowerIsBetter ? " (purple = better calibrated)" : " (purple = higher)")}
              </text>
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
