/**
 * toSearchParams for the browser without zod: the same serialisation as lib/view-state/filters.ts
 * (defaults left out, lists comma-joined) from a static copy of the schema's defaults, so that client
 * bundles do not carry the ~100 KB zod runtime. url-state.test.ts checks the copy against the schema.
 */
import type { ViewState } from "@/lib/view-state/filters";

export const VIEW_DEFAULTS: Partial<ViewState> = {
  benchmark: "GlobalMMLU",
  metric: "ece",
  mode: "absolute",
  betaA: "0.0",
  betaB: "0.1",
  source: "both",
  sort: "language",
  binning: "equal-width",
  bins: 15,
  smooth: "off",
  sortPanels: "language",
  bootstrap: "off",
  cf: "",
  open: "",
  page: 1,
  // analysis views (issue 14)
  cw: 0.9,
  method: "temperature",
  slice: "all",
  fit: "per-language",
};

export function toSearchParams(state: Partial<ViewState>): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) {
    const d = VIEW_DEFAULTS[k as keyof ViewState];
    if (Array.isArray(v)) {
      if (v.length) sp.set(k, v.join(","));
    } else if (v !== undefined && v !== d) sp.set(k, String(v));
  }
  return sp;
}
