/** The hatch pattern behind OVER_FILL; defined once in the legend's <svg>, and copied into an exported figure. */
export function HatchPattern() {
  return (
    <defs>
      <pattern id="rel-over" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="5" height="5" fill="rgba(213,94,0,0.18)" />
        <line x1="0" y1="0" x2="0" y2="5" stroke="#D55E00" strokeWidth="1.6" />
      </pattern>
    </defs>
  );
}
