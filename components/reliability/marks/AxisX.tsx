/** Confidence tick labels and the axis title, `top` px below the histogram strip's top. */
export function AxisX({ ticks, top, size, font }: { ticks: { label: string; x: number }[]; top: number; size: number; font: number }) {
  return (
    <g textAnchor="middle" fill="#5b6675" fontSize={font - 1}>
      {ticks.map((t) => (
        <text key={t.label} x={t.x} y={top + 11}>
          {t.label}
        </text>
      ))}
      <text x={size / 2} y={top + 24}>
        confidence
      </text>
    </g>
  );
}
