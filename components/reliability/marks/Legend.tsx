import type { ReliabilitySeries } from "@/lib/db/queries/reliability";
import type { BinningScheme } from "@/lib/view-state/filters";
import { markerPath } from "@/components/ui/marker-path";
import type { SeriesStyle } from "@/lib/views/reliability-view";
import { OVER_FILL, UNDER_FILL } from "./fills";

/** One row per series (line, dash, marker, label), the gap fills, and what whiskers and bars mean. */
export function Legend({
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
          <line x1={0} x2={34} y1={0} y2={0} stroke={styles[i].color} strokeWidth={2} strokeDasharray={styles[i].dash} />
          <path d={markerPath(styles[i].marker, 40)} transform="translate(17,0)" fill={styles[i].color} stroke="white" strokeWidth={0.8} />
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
