/**
 * `/averages` — averages over languages done both ways (macro vs micro) for measured runs, and the paper's
 * Table 2 beside the mean of its per-language tables. URL: ?benchmark=…
 */
import { AveragesTable } from "@/components/analysis/AveragesTable";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { getAveragesCached } from "@/lib/db/queries/averages";
import { listBenchmarks } from "@/lib/db/queries/heatmap";
import { db } from "@/lib/db/server";
import { parseViewState, type SearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";

export default withExpectedErrors("/averages", async function AveragesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const state = parseViewState(await searchParams, { strict: true });
  const pool = db();
  const [benchmarks, data] = await Promise.all([listBenchmarks(pool), getAveragesCached(pool, state.benchmark)]);
  return (
    <>
      <h1>Averages over languages — {state.benchmark}</h1>
      <nav className="toolbar" aria-label="benchmark">
        {benchmarks.map((b) => (
          <a key={b.name} href={`/averages?benchmark=${encodeURIComponent(b.name)}`} aria-current={b.name === state.benchmark ? "page" : undefined}>
            {b.name}
          </a>
        ))}
      </nav>
      <AveragesTable data={data} />
    </>
  );
});
