/**
 * Browser-side exports shared by every chart: the SVG as a file, a PNG rendered from it, a CSV of the
 * data shown, and the page link. Pure DOM; no dependencies.
 */
export function downloadBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Figure widths for papers: single and double column (mm), or the size on screen. */
export const EXPORT_PRESETS = { screen: null, single: 88, double: 180 } as const;
export type ExportPreset = keyof typeof EXPORT_PRESETS;

/**
 * The figure's extent: its own width/height, grown to everything drawn in it (a caption or legend wider than the
 * chart must not be clipped). Measured with getBBox, so the SVG must be in the document.
 */
export function figureSize(svg: SVGSVGElement): { width: number; height: number } {
  let width = Number(svg.getAttribute("width")) || svg.getBoundingClientRect().width;
  let height = Number(svg.getAttribute("height")) || svg.getBoundingClientRect().height;
  try {
    const b = svg.getBBox();
    width = Math.max(width, Math.ceil(b.x + b.width + 4));
    height = Math.max(height, Math.ceil(b.y + b.height + 4));
  } catch {
    // not rendered (detached): keep the declared size
  }
  return { width, height };
}

/** Standalone SVG text: never clipped (viewBox = the drawn extent), vector text, optionally at a paper width (mm). */
export function serializeSvg(svg: SVGSVGElement, preset: ExportPreset = "screen"): string {
  const { width, height } = figureSize(svg);
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const mm = EXPORT_PRESETS[preset];
  if (mm === null) {
    clone.setAttribute("width", String(width));
    clone.setAttribute("height", String(height));
  } else {
    clone.setAttribute("width", `${mm}mm`);
    clone.setAttribute("height", `${((mm * height) / width).toFixed(2)}mm`);
  }
  // Inline the font so the file renders the same outside the page.
  clone.setAttribute("font-family", getComputedStyle(svg).fontFamily);
  return new XMLSerializer().serializeToString(clone);
}

export function downloadSvg(svg: SVGSVGElement, filename: string, preset: ExportPreset = "screen") {
  downloadBlob(new Blob([serializeSvg(svg, preset)], { type: "image/svg+xml" }), filename);
}

/** PNG at `scale` × the screen size, or at 300 dpi for a paper preset. */
export async function downloadPng(svg: SVGSVGElement, filename: string, scale = 2, preset: ExportPreset = "screen") {
  const { width, height } = figureSize(svg);
  const mm = EXPORT_PRESETS[preset];
  if (mm !== null) scale = (mm / 25.4) * 300 / width;
  const img = new Image();
  const url = URL.createObjectURL(new Blob([serializeSvg(svg)], { type: "image/svg+xml" }));
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error("could not rasterise the SVG"));
    img.src = url;
  });
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  URL.revokeObjectURL(url);
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"),
  );
  downloadBlob(blob, filename);
}

/** Every chart's CSV comes from the project's one CSV writer, which neutralises spreadsheet formulas. */
export { toCsv } from "../csv-cell";

export function downloadCsv(csv: string, filename: string) {
  downloadBlob(new Blob([csv], { type: "text/csv" }), filename);
}
