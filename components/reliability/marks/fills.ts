/** The gap fills, shared by the gap mark and the legend: over-confidence hatched orange, under-confidence blue. */
export const OVER_FILL = "url(#rel-over)";
export const UNDER_FILL = "rgba(86,180,233,0.45)";
