/**
 * Geometry of the heatmap (pure, no DOM): a two-level column header — model family spanning its columns, then
 * the configuration ("base", "chat", "OpenHermes β=0.1") rotated — sized so that no label is ever cut: a
 * family's columns widen until its name fits, the header is as tall as the longest rotated label, and the
 * figure is as wide as the last label's reach. Text widths are estimated per character (11 px system font,
 * generous), so SVG/PNG exports (which have no DOM to measure) get the same room.
 */
export const CELL_W = 46;
export const CELL_H = 20;
export const ROW_LABEL_W = 150;
export const FAMILY_H = 20;
export const CAPTION_H = 34;
export const ANGLE = 55;
/** Upper bound of the advance of one character at 11 px (system-ui / Noto Sans ≈ 6.1 px on average). */
export const CHAR_W = 6.8;

export const textWidth = (s: string, fontSize = 11) => [...s].length * CHAR_W * (fontSize / 11);

export interface LayoutColumn {
  family: string;
  /** The rotated second-level label, as printed. */
  sub: string;
}

export interface HeaderLayout {
  x: number[];
  w: number[];
  families: { family: string; x: number; width: number }[];
  /** Baseline of the family row. */
  familyY: number;
  /** Top of the grid (caption + family row + rotated labels). */
  headerH: number;
  width: number;
}

export function headerLayout(columns: LayoutColumn[], caption: string[] = []): HeaderLayout {
  const families: HeaderLayout["families"] = [];
  for (let j = 0; j < columns.length; ) {
    let k = j;
    while (k < columns.length && columns[k].family === columns[j].family) k++;
    families.push({ family: columns[j].family, x: j, width: k - j });
    j = k;
  }
  const w: number[] = [];
  for (const f of families) {
    const cw = Math.max(CELL_W, Math.ceil((textWidth(f.family, 12) + 8) / f.width));
    for (let i = 0; i < f.width; i++) w.push(cw);
  }
  const x: number[] = [];
  let at = ROW_LABEL_W;
  for (const cw of w) {
    x.push(at);
    at += cw;
  }
  for (const f of families) {
    const first = f.x;
    f.x = x[first];
    f.width = w.slice(first, first + f.width).reduce((s, v) => s + v, 0);
  }
  const rad = (ANGLE * Math.PI) / 180;
  const longest = Math.max(0, ...columns.map((c) => textWidth(c.sub)));
  const rotatedH = Math.ceil(longest * Math.sin(rad)) + 12;
  // The rotated label of column j starts at its centre and reaches right by cos(angle) × its length.
  const reach = Math.max(at, ...columns.map((c, j) => x[j] + w[j] / 2 + textWidth(c.sub) * Math.cos(rad) + 8));
  const captionW = Math.max(0, ...caption.map((l) => textWidth(l) + 8));
  const captionH = caption.length ? CAPTION_H + 14 * (caption.length - 1) : 0;
  return {
    x,
    w,
    families,
    familyY: captionH + FAMILY_H - 7,
    headerH: captionH + FAMILY_H + rotatedH,
    width: Math.ceil(Math.max(reach, captionW) + 12),
  };
}
