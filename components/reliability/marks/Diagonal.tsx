/** Perfect calibration: accuracy = confidence, from (0, 0) to (1, 1) of a square plot of side `size`. */
export function Diagonal({ size }: { size: number }) {
  return <line x1={0} y1={size} x2={size} y2={0} stroke="#8a94a3" strokeDasharray="4 3" data-testid="diagonal" />;
}
