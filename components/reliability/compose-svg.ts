/**
 * The chart draws one <svg> per panel, so that the browser lays out and paints only the panels on screen
 * (content-visibility: auto); the SVG/PNG export composes them, under the legend and a caption, into one <svg>.
 */
import { type Geometry, type Grid, panelOrigin } from "./chart-layout";

const NS = "http://www.w3.org/2000/svg";
/** Height of the caption above the figure. */
const CAPTION_H = 34;

/** `box` is the chart's container; `caption` makes the file self-describing (benchmark, binning, bins, models). */
export function composeSvg(box: HTMLElement, caption: string[], layout: Grid, g: Geometry): SVGSVGElement {
  const out = document.createElementNS(NS, "svg");
  out.setAttribute("width", String(layout.svgW));
  out.setAttribute("height", String(layout.svgH + CAPTION_H));
  out.setAttribute("font-size", String(g.font));
  const defs = box.querySelector("defs");
  if (defs) out.appendChild(defs.cloneNode(true));
  const white = document.createElementNS(NS, "rect");
  white.setAttribute("width", "100%");
  white.setAttribute("height", "100%");
  white.setAttribute("fill", "#ffffff");
  out.appendChild(white);
  caption.forEach((line, k) => {
    const t = document.createElementNS(NS, "text");
    t.setAttribute("x", "4");
    t.setAttribute("y", String(13 + k * 15));
    t.setAttribute("data-testid", "figure-caption");
    if (k === 0) t.setAttribute("font-weight", "600");
    t.textContent = line;
    out.appendChild(t);
  });
  const body = document.createElementNS(NS, "g");
  body.setAttribute("transform", `translate(0,${CAPTION_H})`);
  out.appendChild(body);
  const legend = box.querySelector("[data-testid='legend-svg']");
  if (legend)
    for (const c of Array.from(legend.childNodes)) if (c.nodeName !== "defs") body.appendChild(c.cloneNode(true));
  box.querySelectorAll<SVGSVGElement>("[data-testid='panel'] > svg").forEach((p, k) => {
    const gEl = document.createElementNS(NS, "g");
    const at = panelOrigin(k, layout, g);
    gEl.setAttribute("transform", `translate(${at.x},${at.y})`);
    for (const c of Array.from(p.childNodes)) gEl.appendChild(c.cloneNode(true));
    body.appendChild(gEl);
  });
  // Attached off-screen while the export measures and serialises it.
  const holder = document.createElement("div");
  holder.style.cssText = "position:absolute;left:-100000px;top:0;";
  holder.appendChild(out);
  document.body.appendChild(holder);
  setTimeout(() => holder.remove(), 10_000);
  return out;
}
