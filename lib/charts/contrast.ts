/**
 * WCAG 2 contrast: relative luminance of sRGB colours and the ratio between two of them, and the text colour
 * (black or white) that reads best on a fill. One of black/white always reaches ≥ 4.58:1 (√21) on any fill,
 * so cell text chosen this way meets the 4.5:1 of WCAG AA for small text. Pure; shared by charts and tests.
 */
export type Rgb = [number, number, number];

/** Parses "#rgb", "#rrggbb" or "rgb(r, g, b)" (what d3 and getComputedStyle produce). */
export function parseColor(c: string): Rgb {
  const s = c.trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as Rgb;
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as Rgb;
  m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  throw new Error(`unsupported colour ${JSON.stringify(c)}`);
}

export function relativeLuminance(c: string | Rgb): number {
  const [r, g, b] = (typeof c === "string" ? parseColor(c) : c).map((v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string | Rgb, b: string | Rgb): number {
  const [x, y] = [relativeLuminance(a), relativeLuminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Black or white, whichever contrasts more with the fill. */
export function textOn(fill: string): "#000000" | "#ffffff" {
  return contrastRatio(fill, "#000000") >= contrastRatio(fill, "#ffffff") ? "#000000" : "#ffffff";
}
