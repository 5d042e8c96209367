"use client";
/**
 * Reliability diagrams as small multiples — one panel per language, the base model and its tuned
 * variants overlaid — in ONE <svg> so that the whole figure exports as SVG/PNG. d3 computes scales,
 * shapes and symbols; React renders every element. Each bin carries data-* attributes with the exact
 * stored numbers (browser tests compare them with the database); hover shows them, a click opens the
 * questions in the bin.
 */
import * as d3 from "d3";
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { PanelLanguage, ReliabilitySeries, StatsRow } from "@/lib/db/queries/reliability";
import type { BinningScheme, PanelSort } from "@/lib/view-state/filters";
import { toCsv } from "@/lib/charts/export";
import { ExportBar } from "@/components/ui/ExportBar";
import {
  deltaPair,
  f3,
  type MarkerShape,
  panelMetrics,
  type PanelMetrics,
  seriesStyle,
  type SeriesStyle,
  signed3,
  sortPanels,
} from "./reliability-model";

export interface ReliabilityChartProps {
  benchmark: string;
  binning: BinningScheme;
  /** Display bin count (stored count or an exact equal-width coarsening). */
  bins: number;
  smooth: boolean;
  sortPanels: PanelSort;
  series: ReliabilitySeries[];
  languages: PanelLanguage[];
  stats: Record<string, Record<string, StatsRow>>;
}

const SYMBOL: Record<MarkerShape, d3.SymbolType> = {
  circle: d3.symbolCircle,
  square: d3.symbolSquare,
  triangle: d3.symbolTriangle,
  diamond: d3.symbolDiamond,
  cross: d3.symbolCross,
  star: d3.symbolStar,
  wye: d3.symbolWye,
  "triangle-down": d3.symbolTriangle2,
};
const symbolPath = (m: MarkerShape, size: number) => d3.symbol(SYMBOL[m], size)() ?? "";

const GAP = 6;
const OVER_FILL = "url(#rel-over)";
const UNDER_FILL = "rgba(86,180,233,0.45)";

interface Geometry {
  w: number;
  h: number;
  ml: number;
  mt: number;
  plot: number;
  histTop: number;
  hist: number;
  font: number;
  marker: number;
}

function geometry(panels: number): Geometry {
  const w = panels === 1 ? 560 : panels <= 3 ? 400 : 296;
  const font = panels === 1 ? 12 : 10;
  const ml = 34;
  const mt = 24;
  const plot = w - ml - 8;
  const hist = panels === 1 ? 80 : 44;
  const histTop = mt + plot + 8;
  return { w, h: histTop + hist + 30, ml, mt, plot, histTop, hist, font, marker: panels === 1 ? 48 : 26 };
}

const fmtTick = d3.format(".1f");
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

const noop = () => () => {};
/** False during server rendering and hydration, true afterwards. */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}

export function ReliabilityChart(props: ReliabilityChartProps) {
  const { series, languages, stats, bins } = props;
  const isClient = useIsClient();
  const svgRef = useRef<SVGSVGElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1220);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);

  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setWidth(Math.max(300, Math.floor(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Render timing for bench:views: from the start of a client render to its commit.
  if (isClient && typeof performance !== "undefined") performance.mark("reliability-render-start");
  useLayoutEffect(() => {
    if (isClient && performance.getEntriesByName("reliability-render-start").length)
      performance.measure("reliability-render", "reliability-render-start");
  });

  const styles = useMemo(() => series.map((_, i) => seriesStyle(i)), [series]);
  const metrics = useMemo(() => {
    const out: Record<string, Record<string, PanelMetrics>> = {};
    for (const s of series)
      for (const [lang, row] of Object.entries(stats[s.model] ?? {}))
        (out[s.model] ??= {})[lang] = panelMetrics(row, bins);
    return out;
  }, [series, stats, bins]);

  const pair = useMemo(() => deltaPair(series), [series]);
  const delta = useMemo(() => {
    const d: Record<string, number | null> = {};
    for (const l of languages) {
      const t = pair && metrics[pair.tuned]?.[l.code];
      const b = pair && metrics[pair.base]?.[l.code];
      d[l.code] = t && b ? t.ece - b.ece : null;
    }
    return d;
  }, [languages, metrics, pair]);
  const ordered = useMemo(
    () => sortPanels(languages, props.sortPanels, (c) => delta[c]),
    [languages, props.sortPanels, delta],
  );

  const g = geometry(ordered.length);
  const cols = Math.max(1, Math.min(ordered.length, Math.floor((width + GAP) / (g.w + GAP))));
  const legendH = 18 * (series.length + 2) + 10;
  const rows = Math.ceil(ordered.length / cols);
  const svgW = Math.max(cols * g.w + (cols - 1) * GAP, Math.min(width, 960));
  const svgH = legendH + rows * (g.h + GAP);

  const csv = () => {
    const header = [
      "benchmark",
      "language",
      "model",
      "sft_dataset",
      "smoothing",
      "run_id",
      "binning",
      "bins",
      "bin",
      "lower",
      "upper",
      "count",
      "accuracy",
      "confidence",
      "acc_lo",
      "acc_hi",
      "n",
      "ece",
      "rms",
      "mce",
      "smece",
      "ece_source",
    ];
    const rowsOut: (string | number | null)[][] = [];
    for (const l of ordered)
      for (const s of series) {
        const m = metrics[s.model]?.[l.code];
        const row = stats[s.model]?.[l.code];
        if (!m || !row) continue;
        for (const b of m.bins)
          rowsOut.push([
            props.benchmark,
            l.code,
            s.model,
            s.sftDataset,
            s.smoothing,
            row.runId,
            props.binning,
            bins,
            b.index,
            b.lower,
            b.upper,
            b.count,
            b.accuracy,
            b.confidence,
            b.accLo,
            b.accHi,
            row.n,
            m.ece,
            m.rms,
            m.mce,
            m.smece,
            m.stored ? "stored" : `merged from ${row.reliability.length} stored bins`,
          ]);
      }
    return toCsv(header, rowsOut);
  };

  const onMove = (e: React.MouseEvent) => {
    const el = (e.target as Element).closest?.("[data-testid='bin']") as SVGElement | null;
    if (!el) return setHover(null);
    const d = el.dataset;
    const ci = d.accLo ? `[${Number(d.accLo).toFixed(3)}, ${Number(d.accHi).toFixed(3)}]` : "—";
    setHover({
      x: e.clientX + 12,
      y: e.clientY + 12,
      text:
        `${d.languageName} — ${d.label}\nbin ${Number(d.bin) + 1}/${bins}: confidence ${Number(d.lower).toFixed(3)}–${Number(d.upper).toFixed(3)}\n` +
        `count ${d.count}\naccuracy ${d.accuracy}\nmean confidence ${d.confidence}\naccuracy 95% (Wilson) ${ci}\nclick: the questions in this bin`,
    });
  };

  return (
    <div>
      <ExportBar
        name={`reliability-${props.benchmark}-${props.binning}-${bins}`}
        getSvg={() => svgRef.current}
        getCsv={csv}
      />
      <div ref={boxRef} className="chart-scroll" style={{ border: "none" }}>
        {/* Drawn in the browser only: the server sends the stored numbers, not megabytes of SVG. */}
        {!isClient ? (
          <div style={{ height: svgH }} className="loading" data-testid="chart-loading">
            Drawing {ordered.length} panels…
          </div>
        ) : (
          <svg
            ref={svgRef}
            width={svgW}
            height={svgH}
            role="img"
            aria-label={`Reliability diagrams of ${series.map((s) => s.label).join(", ")} for ${ordered.length} languages`}
            data-testid="reliability"
            data-panels={ordered.length}
            fontSize={g.font}
            onMouseMove={onMove}
            onMouseLeave={() => setHover(null)}
          >
            <defs>
              <pattern
                id="rel-over"
                width="5"
                height="5"
                patternUnits="userSpaceOnUse"
                patternTransform="rotate(45)"
              >
                <rect width="5" height="5" fill="rgba(213,94,0,0.18)" />
                <line x1="0" y1="0" x2="0" y2="5" stroke="#D55E00" strokeWidth="1.6" />
              </pattern>
            </defs>
            <Legend series={series} styles={styles} binning={props.binning} bins={bins} pair={pair} />
            {ordered.map((l, k) => (
              <Panel
                key={l.code}
                x={(k % cols) * (g.w + GAP)}
                y={legendH + Math.floor(k / cols) * (g.h + GAP)}
                g={g}
                language={l}
                series={series}
                styles={styles}
                metrics={metrics}
                stats={stats}
                smooth={props.smooth}
                delta={delta[l.code]}
                binsLink={`benchmark=${encodeURIComponent(props.benchmark)}&binning=${props.binning}&bins=${bins}&languages=${l.code}`}
              />
            ))}
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

function Legend({
  series,
  styles,
  binning,
  bins,
  pair,
}: {
  series: ReliabilitySeries[];
  styles: SeriesStyle[];
  binning: BinningScheme;
  bins: number;
  pair: { tuned: string; base: string } | null;
}) {
  return (
    <g className="legend" data-testid="legend" fontSize={12} transform="translate(4,12)">
      {series.map((s, i) => (
        <g key={s.model} transform={`translate(0,${i * 18})`} data-testid="legend-item" data-model={s.model}>
          <line
            x1={0}
            x2={34}
            y1={0}
            y2={0}
            stroke={styles[i].color}
            strokeWidth={2}
            strokeDasharray={styles[i].dash}
          />
          <path
            d={symbolPath(styles[i].marker, 40)}
            transform="translate(17,0)"
            fill={styles[i].color}
            stroke="white"
            strokeWidth={0.8}
          />
          <text x={42} y={4} fill="#1d2430">
            {s.label}
          </text>
        </g>
      ))}
      <g transform={`translate(0,${series.length * 18})`}>
        <rect x={0} y={-6} width={14} height={12} fill={OVER_FILL} stroke="#D55E00" strokeWidth={0.5} />
        <text x={18} y={4} fill="#5b6675">
          over-confident gap (accuracy below confidence)
        </text>
        <rect x={330} y={-6} width={14} height={12} fill={UNDER_FILL} />
        <text x={348} y={4} fill="#5b6675">
          under-confident gap
        </text>
      </g>
      <text y={series.length * 18 + 22} fill="#5b6675">
        {`Whiskers: Wilson 95% interval of the accuracy · bars beneath: share of questions per bin · ${bins} ${binning} bins`}
        {pair ? ` · Δ ECE = ECE(${pair.tuned}) − ECE(${pair.base})` : ""}
      </text>
    </g>
  );
}

interface PanelProps {
  x: number;
  y: number;
  g: Geometry;
  language: PanelLanguage;
  series: ReliabilitySeries[];
  styles: SeriesStyle[];
  metrics: Record<string, Record<string, PanelMetrics>>;
  stats: Record<string, Record<string, StatsRow>>;
  smooth: boolean;
  delta: number | null;
  binsLink: string;
}

const Panel = memo(function Panel({
  x,
  y,
  g,
  language,
  series,
  styles,
  metrics,
  stats,
  smooth,
  delta,
  binsLink,
}: PanelProps) {
  const sx = d3.scaleLinear().domain([0, 1]).range([0, g.plot]);
  const sy = d3.scaleLinear().domain([0, 1]).range([g.plot, 0]);
  const present = series
    .map((s, i) => ({ s, i, m: metrics[s.model]?.[language.code], row: stats[s.model]?.[language.code] }))
    .filter(
      (p): p is { s: ReliabilitySeries; i: number; m: PanelMetrics; row: StatsRow } => !!p.m && !!p.row,
    );
  const k = Math.max(1, present.length);
  let maxShare = 0;
  for (const p of present) for (const b of p.m.bins) maxShare = Math.max(maxShare, b.count / p.row.n);
  const sh = d3
    .scaleLinear()
    .domain([0, maxShare || 1])
    .range([0, g.hist]);
  const line = d3
    .line<{ c: number; a: number }>()
    .x((d) => sx(d.c))
    .y((d) => sy(d.a));
  const compact = present.length > 4 && g.w < 400;

  return (
    <g
      transform={`translate(${x},${y})`}
      data-testid="panel"
      data-language={language.code}
      data-delta-ece={delta ?? ""}
    >
      <text x={g.ml} y={14} fontWeight={600} fontSize={g.font + 1}>
        {language.name}{" "}
        <tspan fontWeight={400} fill="#5b6675">
          ({language.code})
        </tspan>
        {delta !== null && (
          <tspan fontWeight={400} fill="#5b6675" data-testid="panel-delta">
            {`  Δ ECE ${signed3(delta)}`}
          </tspan>
        )}
      </text>
      <g transform={`translate(${g.ml},${g.mt})`}>
        <rect width={g.plot} height={g.plot} fill="#fbfcfd" stroke="#d9dee5" />
        {TICKS.slice(1, -1).map((t) => (
          <g key={t} stroke="#eef1f4">
            <line x1={sx(t)} x2={sx(t)} y1={0} y2={g.plot} />
            <line x1={0} x2={g.plot} y1={sy(t)} y2={sy(t)} />
          </g>
        ))}
        <line
          x1={0}
          y1={g.plot}
          x2={g.plot}
          y2={0}
          stroke="#8a94a3"
          strokeDasharray="4 3"
          data-testid="diagonal"
        />
        {TICKS.map((t) => (
          <g key={t} fill="#5b6675" fontSize={g.font - 1}>
            <text x={-4} y={sy(t)} textAnchor="end" dominantBaseline="middle">
              {fmtTick(t)}
            </text>
          </g>
        ))}
        {/* gaps: one slice of each bin per series, from the diagonal (confidence) to the accuracy */}
        {present.map(({ s, i, m }, j) =>
          m.bins.map((b) => {
            if (!b.count || b.accuracy === null || b.confidence === null) return null;
            const x0 = sx(b.lower);
            const wBin = Math.max(1.5 * k, sx(b.upper) - x0);
            const y0 = sy(b.confidence);
            const y1 = sy(b.accuracy);
            return (
              <rect
                key={`gap-${i}-${b.index}`}
                x={x0 + (wBin / k) * j}
                width={Math.max(1.5, wBin / k - 0.5)}
                y={Math.min(y0, y1)}
                height={Math.abs(y1 - y0)}
                fill={b.accuracy < b.confidence ? OVER_FILL : UNDER_FILL}
                data-gap={b.accuracy < b.confidence ? "over" : "under"}
                pointerEvents="none"
                data-model={s.model}
              />
            );
          }),
        )}
        {smooth &&
          present.map(({ s, i, m, row }) => {
            if (!row.smoothCurve) return null;
            // Only where the series has questions: the kernel curve is an extrapolation elsewhere.
            const filled = m.bins.filter((b) => b.count > 0);
            const lo = filled[0]?.lower ?? 0;
            const hi = filled[filled.length - 1]?.upper ?? 1;
            const pts = row.smoothCurve.filter(([c]) => c >= lo - 1e-9 && c <= hi + 1e-9);
            return (
              <path
                key={`smooth-${i}`}
                d={line(pts.map(([c, acc]) => ({ c, a: Math.min(1, Math.max(0, acc)) }))) ?? ""}
                fill="none"
                stroke={styles[i].color}
                strokeWidth={1.2}
                strokeOpacity={0.75}
                strokeDasharray="1 2"
                data-testid="smooth-curve"
                data-model={s.model}
              />
            );
          })}
        {present.map(({ s, i, m }) => {
          const pts = m.bins.filter((b) => b.count > 0 && b.accuracy !== null && b.confidence !== null);
          return (
            <g key={`series-${i}`} data-series={s.model}>
              <path
                d={line(pts.map((b) => ({ c: b.confidence as number, a: b.accuracy as number }))) ?? ""}
                fill="none"
                stroke={styles[i].color}
                strokeWidth={1.6}
                strokeDasharray={styles[i].dash}
              />
              {pts.map((b) => {
                const cx = sx(b.confidence as number);
                const cy = sy(b.accuracy as number);
                const runId = stats[s.model][language.code].runId;
                return (
                  <a key={b.index} href={`/questions?${binsLink}&run=${runId}&bin=${b.index}`}>
                    <g
                      data-testid="bin"
                      data-language={language.code}
                      data-language-name={language.name}
                      data-model={s.model}
                      data-label={s.label}
                      data-bin={b.index}
                      data-count={b.count}
                      data-accuracy={b.accuracy as number}
                      data-confidence={b.confidence as number}
                      data-acc-lo={b.accLo ?? ""}
                      data-acc-hi={b.accHi ?? ""}
                      data-lower={b.lower}
                      data-upper={b.upper}
                      style={{ cursor: "pointer" }}
                    >
                      {b.accLo !== null && b.accHi !== null && (
                        <line
                          x1={cx}
                          x2={cx}
                          y1={sy(b.accLo)}
                          y2={sy(b.accHi)}
                          stroke={styles[i].color}
                          strokeWidth={1}
                        />
                      )}
                      <path
                        d={symbolPath(styles[i].marker, g.marker)}
                        transform={`translate(${cx},${cy})`}
                        fill={styles[i].color}
                        stroke="white"
                        strokeWidth={0.7}
                      />
                    </g>
                  </a>
                );
              })}
            </g>
          );
        })}
        {/* ECE / RMS / smECE in the corner, one line per series, marked with its symbol */}
        <g transform="translate(4,4)">
          <rect
            width={compact ? 96 : g.plot * 0.8}
            height={present.length * (g.font + 3) + 4}
            fill="white"
            fillOpacity={0.8}
          />
          {present.map(({ s, i, m }, j) => (
            <g
              key={`m-${i}`}
              transform={`translate(0,${j * (g.font + 3) + g.font - 1})`}
              data-testid="panel-metrics"
              data-model={s.model}
              data-ece={m.ece}
              data-rms={m.rms}
              data-smece={m.smece}
              data-stored={m.stored ? "1" : "0"}
            >
              <path
                d={symbolPath(styles[i].marker, 20)}
                transform={`translate(5,${-g.font / 3})`}
                fill={styles[i].color}
              />
              <text x={12} fill="#1d2430" fontSize={g.font - 1}>
                {compact ? `ECE ${f3(m.ece)}` : `ECE ${f3(m.ece)}  RMS ${f3(m.rms)}  smECE ${f3(m.smece)}`}
              </text>
            </g>
          ))}
        </g>
      </g>
      {/* confidence histogram beneath: share of the language's questions per bin */}
      <g transform={`translate(${g.ml},${g.histTop})`}>
        <rect width={g.plot} height={g.hist} fill="none" stroke="#eef1f4" />
        {present.map(({ i, m, row }, j) =>
          m.bins.map((b) => {
            if (!b.count) return null;
            const x0 = sx(b.lower);
            const wBin = Math.max(1.5 * k, sx(b.upper) - x0);
            const h = sh(b.count / row.n);
            return (
              <rect
                key={`h-${i}-${b.index}`}
                x={x0 + (wBin / k) * j}
                width={Math.max(1, wBin / k - 0.5)}
                y={g.hist - h}
                height={h}
                fill={styles[i].color}
                fillOpacity={0.7}
                pointerEvents="none"
              />
            );
          }),
        )}
        {TICKS.map((t) => (
          <text key={t} x={sx(t)} y={g.hist + 11} textAnchor="middle" fill="#5b6675" fontSize={g.font - 1}>
            {fmtTick(t)}
          </text>
        ))}
        <text x={g.plot / 2} y={g.hist + 24} textAnchor="middle" fill="#5b6675" fontSize={g.font - 1}>
          confidence
        </text>
        <text
          x={-4}
          y={g.hist / 2}
          textAnchor="end"
          dominantBaseline="middle"
          fill="#5b6675"
          fontSize={g.font - 1}
        >
          {`${Math.round((maxShare || 0) * 100)}%`}
        </text>
      </g>
      <text
        transform={`translate(10,${g.mt + g.plot / 2}) rotate(-90)`}
        textAnchor="middle"
        fill="#5b6675"
        fontSize={g.font - 1}
      >
        accuracy
      </text>
    </g>
  );
});
