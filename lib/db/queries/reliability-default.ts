/**
 * A view's data answers for what its page shows. A bare `/reliability` redirects to the most informative measured
 * comparison (app/reliability/page.tsx), so its data without a selection — the `format=csv|json` twin and
 * `calib report --view reliability` — is that comparison's too. The other views show their parse defaults, which
 * their data shares already.
 */
import type pg from "pg";
import type { SearchParams } from "../../view-state/filters";
import { hasReliabilitySelection, withReliabilityChoice } from "../../view-state/reliability-default";
import { defaultComparison } from "./reliability";

/** The view's parameters with the page's default selection filled in where the page would redirect. */
export async function withDefaultSelection(pool: pg.Pool, view: string, sp: SearchParams): Promise<SearchParams> {
  if (view !== "reliability" || hasReliabilitySelection(sp)) return sp;
  const choice = await defaultComparison(pool);
  return choice ? withReliabilityChoice(sp, choice) : sp;
}
