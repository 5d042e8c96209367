import type { SeriesStyle } from "@/lib/views/reliability-view";

/** The line through one series' bins, in its colour and dash pattern. */
export function Line({ d, style }: { d: string; style: SeriesStyle }) {
  return <path d={d} fill="none" stroke={style.color} strokeWidth={1.6} strokeDasharray={style.dash} pointerEvents="none" />;
}
