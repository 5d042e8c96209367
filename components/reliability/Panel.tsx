/**
 * One language's reliability diagram: the marks of ./marks over the scales and paths of chart-layout.ts. Per
 * series, ONE path for its gap rectangles of each sign, one for its whiskers, one for its histogram bars, one line,
 * and one marker per bin (the hover/click target carrying the exact numbers) — a few thousand SVG elements for 42
 * panels instead of tens of thousands.
 */
import { memo } from "react";
import type { PanelLanguage, ReliabilitySeries, StatsRow } from "@/lib/db/queries/reliability";
import { type Geometry, panelLayout, presentSeries } from "./chart-layout";
import type { PanelMetrics, SeriesStyle } from "@/lib/views/reliability-view";
import { AxisX } from "./marks/AxisX";
import { AxisY } from "./marks/AxisY";
import { Diagonal } from "./marks/Diagonal";
import { Frame } from "./marks/Frame";
import { Gaps } from "./marks/Gaps";
import { Histogram } from "./marks/Histogram";
import { Line } from "./marks/Line";
import { MetricsBox } from "./marks/MetricsBox";
import { PanelTitle } from "./marks/PanelTitle";
import { Points } from "./marks/Points";
import { SmoothCurve } from "./marks/SmoothCurve";
import { Whiskers } from "./marks/Whiskers";

export interface PanelProps {
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

export const Panel = memo(function Panel({ g, equalMass, language, series, styles, metrics, stats, smooth, delta }: PanelProps) {
  const present = presentSeries(series, metrics, stats, language.code);
  const L = panelLayout(g, present, smooth);
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
        <PanelTitle language={language} ns={present.map((p) => p.row.n)} delta={delta} x={g.ml} font={g.font} />
        <g transform={`translate(${g.ml},${g.mt})`}>
          <Frame size={g.plot} gridPath={L.gridPath} />
          <Diagonal size={g.plot} />
          <AxisY ticks={L.yTicks} size={g.plot} font={g.font} marginLeft={g.ml} />
          {present.map(({ s, i }, j) => (
            <Gaps key={`gap-${i}`} model={s.model} over={L.series[j].over} under={L.series[j].under} />
          ))}
          {present.map(({ s, i }, j) => {
            const d = L.series[j].smooth;
            return d === null ? null : <SmoothCurve key={`smooth-${i}`} model={s.model} d={d} color={styles[i].color} />;
          })}
          {present.map(({ s, i, row }, j) => (
            <g key={`series-${i}`} data-series={s.model} data-label={s.label} data-run={row.runId} data-n={row.n}>
              <Line d={L.series[j].line} style={styles[i]} />
              <Whiskers d={L.series[j].whiskers} color={styles[i].color} />
              <Points points={L.series[j].points} style={styles[i]} size={g.marker} equalMass={equalMass} />
            </g>
          ))}
          <MetricsBox present={present} styles={styles} box={L.metricsBox} compact={L.compact} font={g.font} />
        </g>
        <g transform={`translate(${g.ml},${g.histTop})`} pointerEvents="none">
          <Histogram
            width={g.plot}
            height={g.hist}
            bars={present.map(({ i }, j) => ({ d: L.series[j].hist, color: styles[i].color }))}
            maxShare={L.maxShare}
            font={g.font}
          >
            <AxisX ticks={L.xTicks} top={g.hist} size={g.plot} font={g.font} />
          </Histogram>
        </g>
      </svg>
    </div>
  );
});
