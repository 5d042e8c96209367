"use client";
/**
 * Reliability diagrams as small multiples — one panel per language, the base model and its tuned variants
 * overlaid. chart-layout.ts computes geometry, scales and what each mark draws; Panel.tsx and ./marks render it,
 * one component per mark; this component holds the state: panel order, resize, hover, keyboard and export. Each
 * bin carries data-* attributes with the exact stored numbers (browser tests compare them with the database);
 * hover shows them, a click opens the questions in the bin.
 */
import { useRouter } from "next/navigation";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { PanelLanguage, ReliabilitySeries, StatsRow } from "@/lib/db/queries/reliability";
import type { BinningScheme, PanelSort } from "@/lib/view-state/filters";
import { ExportBar } from "@/components/ui/ExportBar";
import { useIsClient } from "@/components/ui/use-is-client";
import { binAt, binHref, describeBin } from "./bin-target";
import { GAP, geometry, grid } from "./chart-layout";
import { chartCsv } from "./chart-csv";
import { composeSvg } from "./compose-svg";
import { HatchPattern } from "./marks/HatchPattern";
import { Legend } from "./marks/Legend";
import { Panel } from "./Panel";
import { deltaPair, panelMetrics, type PanelMetrics, seriesStyle, sortPanels } from "@/lib/views/reliability-view";

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
  const layout = grid(width, ordered.length, series.length, g);

  const csv = () =>
    chartCsv({ benchmark: props.benchmark, binning: props.binning, bins, panels: ordered, series, metrics, stats });

  const router = useRouter();
  const hrefOf = (el: SVGElement) =>
    binHref(el, { benchmark: props.benchmark, binning: props.binning, bins, models: series.map((s) => s.model), smooth: props.smooth });
  const onMove = (e: React.MouseEvent) => {
    const el = binAt(e.target);
    if (!el) return setHover(null);
    setHover({ x: e.clientX + 12, y: e.clientY + 12, text: describeBin(el, bins, "click: the questions in this bin") });
  };
  const onClick = (e: React.MouseEvent) => {
    const el = binAt(e.target);
    if (el) router.push(hrefOf(el));
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
      router.push(hrefOf(els[cur]));
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
    setHover({ x: ring.right + 8, y: ring.bottom + 8, text: describeBin(el, bins, "Enter: the questions in this bin") });
  };
  const onBlur = () => {
    if (keyBin) {
      setKeyBin(null);
      setHover(null);
    }
  };

  const exportSvg = (): SVGSVGElement | null => {
    const box = boxRef.current;
    if (!box) return null;
    const caption = [
      `${props.benchmark}: reliability diagrams — measured runs, ${props.binning} binning, ${bins} bins${props.smooth ? ", smoothed curve (smECE kernel)" : ""}`,
      `Models: ${series.map((s) => s.label).join(", ")} · n = questions behind each panel (in its title)`,
    ];
    return composeSvg(box, caption, layout, g);
  };

  return (
    <div>
      <ExportBar name={`reliability-${props.benchmark}-${props.binning}-${bins}`} getSvg={exportSvg} getCsv={csv} />
      <div ref={boxRef} style={{ overflowX: "auto" }}>
        {/* Drawn in the browser only: the server sends the stored numbers (~120 KB for 42 panels), not ~1 MB of SVG. */}
        {!isClient ? (
          <div style={{ height: layout.svgH }} className="loading" data-testid="chart-loading">
            Drawing {ordered.length} panels…
          </div>
        ) : (
          <div
            role="img"
            aria-label={`Reliability diagrams of ${series.map((s) => s.label).join(", ")} for ${ordered.length} languages`}
            data-testid="reliability"
            data-panels={ordered.length}
            className="rel-grid"
            style={{ gridTemplateColumns: `repeat(${layout.cols}, ${g.w}px)`, gap: GAP, width: layout.gridW }}
            onMouseMove={onMove}
            onMouseLeave={() => setHover(null)}
            onClick={onClick}
            onKeyDown={onKeyDown}
            onBlur={onBlur}
          >
            <svg width={layout.svgW} height={layout.legendH} fontSize={g.font} data-testid="legend-svg" style={{ gridColumn: "1 / -1" }}>
              <HatchPattern />
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
