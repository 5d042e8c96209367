/**
 * A bin marker as the target of hover, click and keys: its tooltip text and the link to its questions, read from
 * the data-* attributes the marks put on the marker, its series group and its panel (the exact stored numbers).
 */
import type { BinningScheme } from "@/lib/view-state/filters";

export function binAt(target: EventTarget): SVGElement | null {
  return ((target as Element).closest?.("[data-testid='bin']") as SVGElement | null) ?? null;
}

const panelOf = (el: Element) => (el.closest("[data-testid='panel']") as HTMLElement | null)?.dataset;
const seriesOf = (el: Element) => (el.closest("[data-series]") as SVGElement | null)?.dataset;

/** The tooltip text of a bin, ending in what `action` does. */
export function describeBin(el: SVGElement, bins: number, action: string): string {
  const d = el.dataset;
  const series = seriesOf(el);
  const label = `${series?.label} (n = ${series?.n} questions)`;
  const ci = d.accLo ? `[${Number(d.accLo).toFixed(3)}, ${Number(d.accHi).toFixed(3)}]` : "—";
  const lower = d.lower !== undefined ? Number(d.lower) : Number(d.bin) / bins;
  const upper = d.upper !== undefined ? Number(d.upper) : (Number(d.bin) + 1) / bins;
  return (
    `${panelOf(el)?.languageName} — ${label}\nbin ${Number(d.bin) + 1}/${bins}: confidence ${lower.toFixed(3)}–${upper.toFixed(3)}\n` +
    `count ${d.count}\naccuracy ${d.accuracy}\nmean confidence ${d.confidence}\naccuracy 95% (Wilson) ${ci}\n${action}`
  );
}

/** The bin's questions; the diagram's models and smoothing travel along, so "back" reopens this same view. */
export function binHref(
  el: SVGElement,
  view: { benchmark: string; binning: BinningScheme; bins: number; models: string[]; smooth: boolean },
): string {
  const lang = panelOf(el)?.language;
  const run = seriesOf(el)?.run;
  const models = encodeURIComponent(view.models.join(","));
  return `/questions?benchmark=${encodeURIComponent(view.benchmark)}&binning=${view.binning}&bins=${view.bins}&languages=${lang}&run=${run}&bin=${el.dataset.bin}&models=${models}${view.smooth ? "&smooth=on" : ""}`;
}
