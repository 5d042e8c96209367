import { markerPath } from "@/components/ui/marker-path";
import type { PanelLayout, PresentSeries } from "../chart-layout";
import { f3 } from "@/lib/format";
import type { SeriesStyle } from "@/lib/views/reliability-view";

/** ECE / RMS / smECE in the plot's corner, one line per series marked with its symbol (ECE only when compact). */
export function MetricsBox({
  present,
  styles,
  box,
  compact,
  font,
}: {
  present: PresentSeries[];
  styles: SeriesStyle[];
  box: PanelLayout["metricsBox"];
  compact: boolean;
  font: number;
}) {
  return (
    <g transform="translate(4,4)" pointerEvents="none">
      <rect width={box.width} height={box.height} fill="white" fillOpacity={0.8} />
      {present.map(({ s, i, m }, j) => (
        <g
          key={`m-${i}`}
          transform={`translate(0,${j * box.lineHeight + font - 1})`}
          data-testid="panel-metrics"
          data-model={s.model}
          data-ece={m.ece}
          data-rms={m.rms}
          data-smece={m.smece}
          data-stored={m.stored ? "1" : "0"}
        >
          <path d={markerPath(styles[i].marker, 20)} transform={`translate(5,${-font / 3})`} fill={styles[i].color} />
          <text x={12} fill="#1d2430" fontSize={font - 1}>
            {compact ? `ECE ${f3(m.ece)}` : `ECE ${f3(m.ece)}  RMS ${f3(m.rms)}  smECE ${f3(m.smece)}`}
          </text>
        </g>
      ))}
    </g>
  );
}
