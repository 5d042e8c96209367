/**
 * `/results` — every published and measured result, one row per (benchmark, language, model, SFT dataset, β)
 * with every metric and its interval. Rows come from PublishedResult and RunLanguageStats only.
 */
import { ResultsFilters } from "@/components/results/ResultsFilters";
import { ResultsTable } from "@/components/results/ResultsTable";
import { encodeResults } from "@/components/results/results-view";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { listBenchmarks } from "@/lib/db/queries/heatmap";
import { getResultsCached } from "@/lib/db/queries/results";
import { METRIC_TITLES, RESULT_METRICS, resultsQueryForState, TEXT_COLUMNS } from "@/lib/db/queries/results-columns";
import { resultFacetsCached } from "@/lib/db/queries/results-facets";
import { db } from "@/lib/db/server";
import { sliceBarData } from "@/lib/db/queries/slices";
import { SliceBar } from "@/components/slices/SliceBar";
import { parseViewState, type SearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";

const TEXT_TITLES: Record<string, string> = {
  source: "Source",
  benchmark: "Benchmark",
  language: "Lang",
  languageName: "Language",
  resourceClass: "Resource class",
  family: "Family",
  model: "Model",
  sft: "SFT dataset",
  beta: "β",
  n: "n",
  runId: "Run",
};

export default withExpectedErrors("/results", async function ResultsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const state = parseViewState(sp, { strict: true });
  const view = resultsQueryForState(state);
  const { shown, query } = view;
  const metrics = query.metrics;
  const pool = db();
  const [benchmarks, facets, data, slices] = await Promise.all([
    listBenchmarks(pool),
    resultFacetsCached(pool, state.benchmark),
    getResultsCached(pool, query),
    sliceBarData(pool, state),
  ]);
  const titles: Record<string, string> = { ...TEXT_TITLES, ...METRIC_TITLES };
  const allColumns = [...TEXT_COLUMNS, ...RESULT_METRICS].map((id) => ({ id, title: titles[id] }));

  return (
    <>
      <h1>Results — {state.benchmark === "all" ? "all benchmarks" : state.benchmark}</h1>
      <p className="subtitle">
        One row per benchmark × language × model × SFT dataset × β. Published figures keep the paper&apos;s
        digits (language “avg” = its averages over languages); measured rows show the 95% bootstrap interval
        beside each metric. ECE and MCE use 15 equal-width bins, RMS 15 equal-mass bins (the paper&apos;s
        conventions); the other binning is available as extra columns.
      </p>
      {/* issue 14 §4: the averages over languages, both ways */}
      <p data-testid="averages-link">
        Averages over languages, macro (mean of languages) beside micro (pooled), with the paper&apos;s Table 2:{" "}
        <a href={`/averages?benchmark=${encodeURIComponent(state.benchmark === "all" ? "GlobalMMLU" : state.benchmark)}`}>averages</a>.
      </p>
      <ResultsFilters
        state={state}
        shown={shown}
        facets={{ benchmarks: benchmarks.map((b) => b.name), ...facets, columns: allColumns }}
      />
      <SliceBar state={state} data={slices} />
      {data.count === 0 ? (
        <div className="empty" data-testid="empty">
          No results for this selection. Load the paper&apos;s figures with{" "}
          <code>npm run calib -- import-published data/published/published-per-language.csv</code>, import
          per-question outputs with{" "}
          <code>npm run calib -- import FILE --model NAME --benchmark GlobalMMLU</code>, or widen the filters.
        </div>
      ) : (
        <ResultsTable
          wire={encodeResults(data)}
          state={state}
          titles={titles}
          metrics={metrics}
          shown={shown}
        />
      )}
    </>
  );
});
