/** The Wilson 95% intervals of one series' bin accuracies, as one path. */
export function Whiskers({ d, color }: { d: string; color: string }) {
  return <path d={d} stroke={color} strokeWidth={1} pointerEvents="none" />;
}
