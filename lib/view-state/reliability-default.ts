/**
 * A bare `/reliability` opens on the most informative measured comparison (lib/db/queries/reliability.ts
 * rankDefaultComparison) by redirecting to the URL that shows it: the URL is the only view state, so a reload or
 * Copy link shows exactly what is on screen, and a link that names a selection is never rewritten.
 */
import type { SearchParams, ViewState } from "./filters";

/** The parameters that choose what /reliability draws; any one of them present means "show what I asked". */
export const RELIABILITY_SELECTION_PARAMS = ["benchmark", "models", "family", "sft", "beta", "languages"] as const satisfies readonly (keyof ViewState)[];

export function hasReliabilitySelection(sp: SearchParams): boolean {
  return RELIABILITY_SELECTION_PARAMS.some((k) => sp[k] !== undefined);
}

export interface ReliabilityChoice {
  benchmark: string;
  base: string;
  variants: string[];
}

/** The parameters naming the chosen comparison, with the display parameters (binning, bins, smooth, …) given. */
export function withReliabilityChoice(sp: SearchParams, choice: ReliabilityChoice): SearchParams {
  return { ...sp, benchmark: choice.benchmark, models: [choice.base, ...choice.variants].join(",") };
}

/** The URL of the chosen comparison, keeping the display parameters already given. */
export function reliabilityDefaultHref(sp: SearchParams, choice: ReliabilityChoice): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(withReliabilityChoice(sp, choice))) {
    if (v === undefined) continue;
    out.set(k, Array.isArray(v) ? v.join(",") : v);
  }
  return `/reliability?${out}`;
}
