/** One series' kernel-smoothed reliability curve (smECE's), dotted in the series colour. */
export function SmoothCurve({ model, d, color }: { model: string; d: string; color: string }) {
  return (
    <path
      d={d}
      fill="none"
      stroke={color}
      strokeWidth={1.2}
      strokeOpacity={0.75}
      strokeDasharray="1 2"
      pointerEvents="none"
      data-testid="smooth-curve"
      data-model={model}
    />
  );
}
