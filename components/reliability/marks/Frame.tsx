/** The plot's background and its light grid lines at the inner ticks. */
export function Frame({ size, gridPath }: { size: number; gridPath: string }) {
  return (
    <>
      <rect width={size} height={size} fill="#fbfcfd" stroke="#d9dee5" />
      <path d={gridPath} stroke="#eef1f4" />
    </>
  );
}
