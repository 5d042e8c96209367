/** Accuracy tick labels left of the plot, and the axis title rotated along it (plot coordinates). */
export function AxisY({ ticks, size, font, marginLeft }: { ticks: { label: string; y: number }[]; size: number; font: number; marginLeft: number }) {
  return (
    <>
      <g fill="#5b6675" fontSize={font - 1} textAnchor="end" dominantBaseline="middle">
        {ticks.map((t) => (
          <text key={t.label} x={-4} y={t.y}>
            {t.label}
          </text>
        ))}
      </g>
      <text transform={`translate(${10 - marginLeft},${size / 2}) rotate(-90)`} textAnchor="middle" fill="#5b6675" fontSize={font - 1}>
        accuracy
      </text>
    </>
  );
}
