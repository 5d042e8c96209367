/**
 * GET /api/views/results?<the results table's own parameters>&format=csv|json&offset=&limit= — the rows of
 * `/results` with the columns it shows (`cols`, grouped and sorted ones included), metrics as exact text
 * (published decimals; measured floats without artefacts) and, for measured rows, their 95% bootstrap interval
 * (`<metric>_lo`, `<metric>_hi`). The view's URL with `format=csv|json` is rewritten here by proxy.ts.
 * Read-only, no token, paginated, no file paths.
 */
import { getResultsCached, resultsQueryForState } from "@/lib/db/queries/results";
import { db } from "@/lib/db/server";
import { cleanFloat } from "@/lib/charts/numbers";
import type { Row } from "@/lib/view-state/data-out";
import { viewDataHandler } from "../handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = viewDataHandler("results", async (state) => {
  const { query, shown } = resultsQueryForState(state);
  const data = await getResultsCached(db(), query);
  const text = shown.filter((c) => !query.metrics.includes(c as never)) as (keyof typeof data.cat)[];
  const columns = [...text, ...query.metrics.flatMap((m) => [m, `${m}_lo`, `${m}_hi`])];
  const num = (v: number | null | undefined) => (v === null || v === undefined ? null : cleanFloat(v));
  const rows: Row[] = [];
  for (let i = 0; i < data.count; i++) {
    const r: Row = {};
    for (const c of text) r[c] = data.cat[c]?.[i] ?? null;
    for (const m of query.metrics) {
      r[m] = data.text[m]?.[i] ?? num(data.val[m]?.[i]);
      r[`${m}_lo`] = num(data.lo[m]?.[i]);
      r[`${m}_hi`] = num(data.hi[m]?.[i]);
    }
    rows.push(r);
  }
  return { columns, rows, file: `results-${state.benchmark}` };
});
