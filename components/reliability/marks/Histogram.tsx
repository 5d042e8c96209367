import type { ReactNode } from "react";

/**
 * The confidence histogram beneath the plot: per series, the share of the language's questions in each bin
 * (bars side by side within a bin), scaled so the largest share fills the strip; that share labels its height.
 */
export function Histogram({
  width,
  height,
  bars,
  maxShare,
  font,
  children,
}: {
  width: number;
  height: number;
  bars: { d: string; color: string }[];
  maxShare: number;
  font: number;
  /** The x axis, drawn in the strip's coordinates. */
  children?: ReactNode;
}) {
  return (
    <>
      <rect width={width} height={height} fill="none" stroke="#eef1f4" />
      {bars.map((b, k) => (
        <path key={k} d={b.d} fill={b.color} fillOpacity={0.7} />
      ))}
      {children}
      <text x={-4} y={height / 2} textAnchor="end" dominantBaseline="middle" fill="#5b6675" fontSize={font - 1}>
        {`${Math.round((maxShare || 0) * 100)}%`}
      </text>
    </>
  );
}
