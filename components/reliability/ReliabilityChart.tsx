"use client";
/**
 * Reliability diagrams as small multiples — one panel per language, the base model and its tuned
 * variants overlaid — in ONE <svg> so that the whole figure exports as SVG/PNG. d3 computes scales,
 * shapes and symbols; React renders every element. Each bin carries data-* attributes with the exact
 * stored numbers (browser tests compare them with the database); hover shows them, a click opens the
 * questions in the bin.
 */
import { format, line as d3line, scaleLinear } from "d3";
import { useRouter } from "next/navigation";
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { PanelLanguage, ReliabilitySeries, StatsRow } from "@/lib/db/queries/reliability";
import type { BinningScheme, PanelSort } from "@/lib/view-state/filters";
import { toCsv } from "@/lib/charts/export";
import { ExportBar } from "@/components/ui/ExportBar";
import { useIsClient } from "@/components/ui/use-is-client";
import { markerPath } from "@/components/ui/marker-path";
import { FEW_QUESTIONS } from "@/lib/view-state/config";
import { f3, signed3 } from "@/lib/format";
import {
  deltaPair,
  panelMetrics,
  type PanelMetrics,
  seriesStyle,
  type SeriesStyle,
  sortPanels,
  unpackCurve,
} from "@/lib/views/reliability-view";

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

const r2 = (x: number) => Math.round(x * 100) / 100;
/** An axis-aligned rectangle as path data (one <path> per series holds all its rectangles). */
const rect = (x: number, y: number, w: number, h: number) =>
  `M${r2(x)},${r2(y)}h${r2(w)}v${r2(h)}h${r2(-w)}Z`;

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

const fmtTick = format(".1f");
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

export function ReliabilityChart(props: ReliabilityChartProps) {
  const isClient = useIsClient();
  const { series, languages, stats, bins } = props;
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
  if (typeof window !== "undefined") performance.mark("reliability-render-start");
  useLayoutEffect(() => {
    if (performance.getEntriesByName("reliability-render-start").length)
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

  // Stable across renders, so a resize (which only changes the column count) does not re-render the memoised panels.
  const g = useMemo(() => geometry(ordered.length), [ordered.length]);
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

  const router = useRouter();
  const binAt = (e: React.MouseEvent) =>
    (e.target as Element).closest?.("[data-testid='bin']") as SVGElement | null;
  /** The tooltip text of a bin element, from its data-* attributes (the exact stored numbers). */
  const describeBin = (el: SVGElement, action: string) => {
    const d = el.dataset;
    const panel = (el.closest("[data-testid='panel']") as HTMLElement | null)?.dataset;
    const series = (el.closest("[data-series]") as SVGElement | null)?.dataset;
    const label = `${series?.label} (n = ${series?.n} questions)`;
    const ci = d.accLo ? `[${Number(d.accLo).toFixed(3)}, ${Number(d.accHi).toFixed(3)}]` : "—";
    const lower = d.lower !== undefined ? Number(d.lower) : Number(d.bin) / bins;
    const upper = d.upper !== undefined ? Number(d.upper) : (Number(d.bin) + 1) / bins;
    return (
      `${panel?.languageName} — ${label}\nbin ${Number(d.bin) + 1}/${bins}: confidence ${lower.toFixed(3)}–${upper.toFixed(3)}\n` +
      `count ${d.count}\naccuracy ${d.accuracy}\nmean confidence ${d.confidence}\naccuracy 95% (Wilson) ${ci}\n${action}`
    );
  };
  const onMove = (e: React.MouseEvent) => {
    const el = binAt(e);
    if (!el) return setHover(null);
    setHover({ x: e.clientX + 12, y: e.clientY + 12, text: describeBin(el, "click: the questions in this bin") });
  };
  const binHref = (el: SVGElement) => {
    const lang = (el.closest("[data-testid='panel']") as HTMLElement | null)?.dataset.language;
    const run = (el.closest("[data-series]") as SVGElement | null)?.dataset.run;
    // The diagram's models and smoothing travel along, so the bin page's "back" link reopens this same view.
    const models = encodeURIComponent(props.series.map((s) => s.model).join(","));
    return `/questions?benchmark=${encodeURIComponent(props.benchmark)}&binning=${props.binning}&bins=${bins}&languages=${lang}&run=${run}&bin=${el.dataset.bin}&models=${models}${props.smooth ? "&smooth=on" : ""}`;
  };
  const onClick = (e: React.MouseEvent) => {
    const el = binAt(e);
    if (el) router.push(binHref(el));
  };
  // Keyboard: every panel is a tab stop; arrows (Home/End) walk its bins — series by series, in drawing order —
  // showing the same tooltip and a focus ring, Enter opens the bin's questions, Escape leaves the bins.
  const [keyBin, setKeyBin] = useState<{ lang: string; k: number; ring: DOMRect } | null>(null);
  const onKeyDown = (e: React.KeyboardEvent) => {
    const panel = e.target as HTMLElement;
    if (panel.dataset?.testid !== "panel") return;
    const lang = panel.dataset.language ?? "";
    const els = Array.from(panel.querySelectorAll<SVGElement>("[data-testid='bin']"));
    const cur = keyBin?.lang === lang ? keyBin.k : -1;
    let k: number;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") k = Math.min(els.length - 1, cur + 1);
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") k = Math.max(0, cur - 1);
    else if (e.key === "Home") k = 0;
    else if (e.key === "End") k = els.length - 1;
    else if (e.key === "Enter" && cur >= 0 && els[cur]) {
      e.preventDefault();
      router.push(binHref(els[cur]));
      return;
    } else if (e.key === "Escape") {
      setKeyBin(null);
      setHover(null);
      return;
    } else return;
    e.preventDefault();
    const el = els[k];
    if (!el) return;
    const ring = el.getBoundingClientRect();
    setKeyBin({ lang, k, ring });
    setHover({ x: ring.right + 8, y: ring.bottom + 8, text: describeBin(el, "Enter: the questions in this bin") });
  };
  const onBlur = () => {
    if (keyBin) {
      setKeyBin(null);
      setHover(null);
    }
  };

  // One <svg> per panel, so that the browser lays out and paints only the panels on screen
  // (content-visibility: auto); the export composes them into a single SVG.
  const composeSvg = (): SVGSVGElement | null => {
    const box = boxRef.current;
    if (!box) return null;
    const NS = "http://www.w3.org/2000/svg";
    const out = document.createElementNS(NS, "svg");
    // A caption makes the exported file self-describing (benchmark, binning, bins, source, models, n).
    const CAP = 34;
    const caption = [
      `${props.benchmark}: reliability diagrams — measured runs, ${props.binning} binning, ${bins} bins${props.smooth ? ", smoothed curve (smECE kernel)" : ""}`,
      `Models: ${series.map((s) => s.label).join(", ")} · n = questions behind each panel (in its title)`,
    ];
    out.setAttribute("width", String(svgW));
    out.setAttribute("height", String(svgH + CAP));
    out.setAttribute("font-size", String(g.font));
    const defs = box.querySelector("defs");
    if (defs) out.appendChild(defs.cloneNode(true));
    const white = document.createElementNS(NS, "rect");
    white.setAttribute("width", "100%");
    white.setAttribute("height", "100%");
    white.setAttribute("fill", "#ffffff");
    out.appendChild(white);
    caption.forEach((line, k) => {
      const t = document.createElementNS(NS, "text");
      t.setAttribute("x", "4");
      t.setAttribute("y", String(13 + k * 15));
      t.setAttribute("data-testid", "figure-caption");
      if (k === 0) t.setAttribute("font-weight", "600");
      t.textContent = line;
      out.appendChild(t);
    });
    const body = document.createElementNS(NS, "g");
    body.setAttribute("transform", `translate(0,${CAP})`);
    out.appendChild(body);
    const legend = box.querySelector("[data-testid='legend-svg']");
    if (legend)
      for (const c of Array.from(legend.childNodes))
        if (c.nodeName !== "defs") body.appendChild(c.cloneNode(true));
    box.querySelectorAll<SVGSVGElement>("[data-testid='panel'] > svg").forEach((p, k) => {
      const gEl = document.createElementNS(NS, "g");
      gEl.setAttribute(
        "transform",
        `translate(${(k % cols) * (g.w + GAP)},${legendH + Math.floor(k / cols) * (g.h + GAP)})`,
      );
      for (const c of Array.from(p.childNodes)) gEl.appendChild(c.cloneNode(true));
      body.appendChild(gEl);
    });
    // Attached off-screen while the export measures and serialises it.
    const holder = document.createElement("div");
    holder.style.cssText = "position:absolute;left:-100000px;top:0;";
    holder.appendChild(out);
    document.body.appendChild(holder);
    setTimeout(() => holder.remove(), 10_000);
    return out;
  };

  return (
    <div>
      <ExportBar
        name={`reliability-${props.benchmark}-${props.binning}-${bins}`}
        getSvg={composeSvg}
        getCsv={csv}
      />
      <div ref={boxRef} style={{ overflowX: "auto" }}>
        {/* Drawn in the browser only: the server sends the stored numbers (~120 KB for 42 panels), not ~1 MB of SVG. */}
        {!isClient ? (
          <div style={{ height: svgH }} className="loading" data-testid="chart-loading">
            Drawing {ordered.length} panels…
          </div>
        ) : (
          <div
            role="img"
            aria-label={`Reliability diagrams of ${series.map((s) => s.label).join(", ")} for ${ordered.length} languages`}
            data-testid="reliability"
            data-panels={ordered.length}
            className="rel-grid"
            style={{
              gridTemplateColumns: `repeat(${cols}, ${g.w}px)`,
              gap: GAP,
              width: cols * g.w + (cols - 1) * GAP,
            }}
            onMouseMove={onMove}
            onMouseLeave={() => setHover(null)}
            onClick={onClick}
            onKeyDown={onKeyDown}
            onBlur={onBlur}
          >
            <svg
              width={svgW}
              height={legendH}
              fontSize={g.font}
              data-testid="legend-svg"
              style={{ gridColumn: "1 / -1" }}
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
            </svg>
            {ordered.map((l) => (
              <Panel
                key={l.code}
                g={g}
                equalMass={props.binning === "equal-mass"}
                language={l}
                series={series}
                styles={styles}
                metrics={metrics}
                stats={stats}
                smooth={props.smooth}
                delta={delta[l.code]}
              />
            ))}
          </div>
        )}
      </div>
      {keyBin && (
        <div
          className="bin-focus"
          data-testid="bin-focus"
          style={{ left: keyBin.ring.left - 2, top: keyBin.ring.top - 2, width: keyBin.ring.width + 4, height: keyBin.ring.height + 4 }}
        />
      )}
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
            d={markerPath(styles[i].marker, 40)}
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
  g: Geometry;
  /** Equal-mass bins carry their edges; equal-width edges follow from the bin index. */
  equalMass: boolean;
  language: PanelLanguage;
  series: ReliabilitySeries[];
  styles: SeriesStyle[];
  metrics: Record<string, Record<string, PanelMetrics>>;
  stats: Record<string, Record<string, StatsRow>>;
  smooth: boolean;
  delta: number | null;
}

/**
 * One language: per series, ONE path for its gap rectangles of each sign, one for its whiskers, one for its
 * histogram bars, one line, and one marker per bin (the hover/click target carrying the exact numbers) —
 * a few thousand SVG elements for 42 panels instead of tens of thousands.
 */
const Panel = memo(function Panel({
  g,
  equalMass,
  language,
  series,
  styles,
  metrics,
  stats,
  smooth,
  delta,
}: PanelProps) {
  const sx = scaleLinear().domain([0, 1]).range([0, g.plot]);
  const sy = scaleLinear().domain([0, 1]).range([g.plot, 0]);
  const present = series
    .map((s, i) => ({ s, i, m: metrics[s.model]?.[language.code], row: stats[s.model]?.[language.code] }))
    .filter(
      (p): p is { s: ReliabilitySeries; i: number; m: PanelMetrics; row: StatsRow } => !!p.m && !!p.row,
    );
  const k = Math.max(1, present.length);
  let maxShare = 0;
  for (const p of present) for (const b of p.m.bins) maxShare = Math.max(maxShare, b.count / p.row.n);
  const sh = scaleLinear()
    .domain([0, maxShare || 1])
    .range([0, g.hist]);
  const line = d3line<[number, number]>()
    .x((d) => r2(sx(d[0])))
    .y((d) => r2(sy(d[1])));
  const compact = present.length > 4 && g.w < 400;

  const shapes = present.map(({ m, row }, j) => {
    let over = "";
    let under = "";
    let whiskers = "";
    let hist = "";
    const pts: [number, number][] = [];
    for (const b of m.bins) {
      if (!b.count) continue;
      const x0 = sx(b.lower);
      const wBin = Math.max(1.5 * k, sx(b.upper) - x0);
      const xs = x0 + (wBin / k) * j;
      const ws = Math.max(1, wBin / k - 0.5);
      const h = sh(b.count / row.n);
      hist += rect(xs, g.hist - h, ws, h);
      if (b.accuracy === null || b.confidence === null) continue;
      pts.push([b.confidence, b.accuracy]);
      const y0 = sy(b.confidence);
      const y1 = sy(b.accuracy);
      const gap = rect(xs, Math.min(y0, y1), Math.max(1.5, ws), Math.abs(y1 - y0));
      if (b.accuracy < b.confidence) over += gap;
      else under += gap;
      if (b.accLo !== null && b.accHi !== null)
        whiskers += `M${r2(sx(b.confidence))},${r2(sy(b.accLo))}V${r2(sy(b.accHi))}`;
    }
    return { over, under, whiskers, hist, pts };
  });

  return (
    <div
      className="rel-panel"
      style={{ containIntrinsicSize: `${g.w}px ${g.h}px` }}
      data-testid="panel"
      data-language={language.code}
      data-language-name={language.name}
      data-delta-ece={delta ?? ""}
      tabIndex={0}
      aria-label={`${language.name}: reliability diagram. Arrow keys step through its bins, Enter opens a bin's questions.`}
    >
      <svg width={g.w} height={g.h} fontSize={g.font}>
        <text x={g.ml} y={14} fontWeight={600} fontSize={g.font + 1}>
          {language.name}{" "}
          <tspan fontWeight={400} fill="#4a5361">
            ({language.code})
          </tspan>
          <tspan fontWeight={400} fill={present.some((p) => p.row.n < FEW_QUESTIONS) ? "#a04000" : "#4a5361"} data-testid="panel-n">
            {` n = ${[...new Set(present.map((p) => p.row.n))].join("/")}`}
            {present.some((p) => p.row.n < FEW_QUESTIONS) ? " ⚠ few questions" : ""}
          </tspan>
          {delta !== null && (
            <tspan fontWeight={400} fill="#5b6675" data-testid="panel-delta">
              {`  Δ ECE ${signed3(delta)}`}
            </tspan>
          )}
        </text>
        <g transform={`translate(${g.ml},${g.mt})`}>
          <rect width={g.plot} height={g.plot} fill="#fbfcfd" stroke="#d9dee5" />
          <path
            d={TICKS.slice(1, -1)
              .map((t) => `M${r2(sx(t))},0V${g.plot}M0,${r2(sy(t))}H${g.plot}`)
              .join("")}
            stroke="#eef1f4"
          />
          <line
            x1={0}
            y1={g.plot}
            x2={g.plot}
            y2={0}
            stroke="#8a94a3"
            strokeDasharray="4 3"
            data-testid="diagonal"
          />
          <g fill="#5b6675" fontSize={g.font - 1} textAnchor="end" dominantBaseline="middle">
            {TICKS.map((t) => (
              <text key={t} x={-4} y={sy(t)}>
                {fmtTick(t)}
              </text>
            ))}
          </g>
          {/* gaps: one slice of each bin per series, from the diagonal (confidence) to the accuracy */}
          {present.map(({ s, i }, j) => (
            <g key={`gap-${i}`} pointerEvents="none" data-model={s.model}>
              {shapes[j].over && <path d={shapes[j].over} fill={OVER_FILL} data-gap="over" />}
              {shapes[j].under && <path d={shapes[j].under} fill={UNDER_FILL} data-gap="under" />}
            </g>
          ))}
          {smooth &&
            present.map(({ s, i, m, row }) => {
              if (!row.smoothCurve) return null;
              // Only where the series has questions: the kernel curve is an extrapolation elsewhere.
              const filled = m.bins.filter((b) => b.count > 0);
              const lo = filled[0]?.lower ?? 0;
              const hi = filled[filled.length - 1]?.upper ?? 1;
              const pts = unpackCurve(row.smoothCurve)
                .filter(([c]) => c >= lo - 1e-9 && c <= hi + 1e-9)
                .map(([c, acc]) => [c, Math.min(1, Math.max(0, acc))] as [number, number]);
              return (
                <path
                  key={`smooth-${i}`}
                  d={line(pts) ?? ""}
                  fill="none"
                  stroke={styles[i].color}
                  strokeWidth={1.2}
                  strokeOpacity={0.75}
                  strokeDasharray="1 2"
                  pointerEvents="none"
                  data-testid="smooth-curve"
                  data-model={s.model}
                />
              );
            })}
          {present.map(({ s, i, m, row }, j) => {
            const marker = markerPath(styles[i].marker, g.marker);
            return (
              <g key={`series-${i}`} data-series={s.model} data-label={s.label} data-run={row.runId} data-n={row.n}>
                <path
                  d={line(shapes[j].pts) ?? ""}
                  fill="none"
                  stroke={styles[i].color}
                  strokeWidth={1.6}
                  strokeDasharray={styles[i].dash}
                  pointerEvents="none"
                />
                <path d={shapes[j].whiskers} stroke={styles[i].color} strokeWidth={1} pointerEvents="none" />
                <g fill={styles[i].color} stroke="white" strokeWidth={0.7} cursor="pointer">
                  {m.bins.map((b) =>
                    b.count > 0 && b.accuracy !== null && b.confidence !== null ? (
                      <path
                        key={b.index}
                        d={marker}
                        transform={`translate(${r2(sx(b.confidence))},${r2(sy(b.accuracy))})`}
                        data-testid="bin"
                        data-bin={b.index}
                        data-count={b.count}
                        data-accuracy={b.accuracy}
                        data-confidence={b.confidence}
                        data-acc-lo={b.accLo ?? ""}
                        data-acc-hi={b.accHi ?? ""}
                        data-lower={equalMass ? b.lower : undefined}
                        data-upper={equalMass ? b.upper : undefined}
                      />
                    ) : null,
                  )}
                </g>
              </g>
            );
          })}
          {/* ECE / RMS / smECE in the corner, one line per series, marked with its symbol */}
          <g transform="translate(4,4)" pointerEvents="none">
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
                  d={markerPath(styles[i].marker, 20)}
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
        <g transform={`translate(${g.ml},${g.histTop})`} pointerEvents="none">
          <rect width={g.plot} height={g.hist} fill="none" stroke="#eef1f4" />
          {present.map(({ i }, j) => (
            <path key={`h-${i}`} d={shapes[j].hist} fill={styles[i].color} fillOpacity={0.7} />
          ))}
          <g textAnchor="middle" fill="#5b6675" fontSize={g.font - 1}>
            {TICKS.map((t) => (
              <text key={t} x={sx(t)} y={g.hist + 11}>
                {fmtTick(t)}
              </text>
            ))}
            <text x={g.plot / 2} y={g.hist + 24}>
              confidence
            </text>
          </g>
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
      </svg>
    </div>
  );
});
