import { markerPath } from "@/components/ui/marker-path";
import type { BinPoint } from "../chart-layout";
import type { SeriesStyle } from "@/lib/views/reliability-view";

/**
 * One marker per bin: the hover/click/keyboard target. Each carries the bin's exact stored numbers as data-*
 * attributes (the tooltip reads them; browser tests compare them with the database). Equal-mass bins carry their
 * edges; equal-width edges follow from the bin index.
 */
export function Points({ points, style, size, equalMass }: { points: BinPoint[]; style: SeriesStyle; size: number; equalMass: boolean }) {
  const marker = markerPath(style.marker, size);
  return (
    <g fill={style.color} stroke="white" strokeWidth={0.7} cursor="pointer">
      {points.map(({ x, y, bin: b }) => (
        <path
          key={b.index}
          d={marker}
          transform={`translate(${x},${y})`}
          data-testid="bin"
          data-bin={b.index}
          data-count={b.count}
          data-accuracy={b.accuracy ?? undefined}
          data-confidence={b.confidence ?? undefined}
          data-acc-lo={b.accLo ?? ""}
          data-acc-hi={b.accHi ?? ""}
          data-lower={equalMass ? b.lower : undefined}
          data-upper={equalMass ? b.upper : undefined}
        />
      ))}
    </g>
  );
}
