/**
 * `/reliability` — reliability diagrams of measured runs: for a benchmark and one or more languages, the
 * base model and its tuned variants overlaid, one panel per language. Reads RunLanguageStats only.
 */
import Link from "next/link";
import { Suspense } from "react";
import { redirect } from "next/navigation";
import { ReliabilityChart } from "@/components/reliability/ReliabilityChart";
import { ReliabilityFilters } from "@/components/reliability/ReliabilityFilters";
import { ReliabilityLoading } from "@/components/reliability/ReliabilityLoading";
import { resolveBins } from "@/lib/views/reliability-view";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { badInput } from "@/lib/errors";
import { listBenchmarks } from "@/lib/db/queries/heatmap";
import { formatBeta } from "@/lib/format";
import { defaultComparison, getReliabilityData, reliabilityQueryForState, seriesLabel } from "@/lib/db/queries/reliability";
import { baseTunedPairs } from "@/lib/db/queries/base-tuned";
import { BaseTunedSignificance } from "@/components/smoothing/BaseTunedSignificance";
import { packPairs } from "@/lib/views/base-tuned-packed";
import { db } from "@/lib/db/server";
import { sliceBarData } from "@/lib/db/queries/slices";
import { SliceBar } from "@/components/slices/SliceBar";
import { parseViewState, type SearchParams } from "@/lib/view-state/filters";
import { hasReliabilitySelection, reliabilityDefaultHref } from "@/lib/view-state/reliability-default";

export const dynamic = "force-dynamic";

/**
 * A bare link opens on the most informative measured comparison, named in the URL: a real 307, so the redirect
 * is decided before anything streams — which is why the loading state is this page's own Suspense boundary
 * rather than a loading.tsx (that would send a 200 shell first and leave the redirect to the browser). With
 * nothing measured at all, the view shows its empty state for the default benchmark, as before.
 */
export default async function ReliabilityPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  if (!hasReliabilitySelection(sp)) {
    const choice = await defaultComparison(db());
    if (choice) redirect(reliabilityDefaultHref(sp, choice));
  }
  return (
    <Suspense key={JSON.stringify(sp)} fallback={<ReliabilityLoading />}>
      <ReliabilityView sp={sp} />
    </Suspense>
  );
}

/** Renders inside the page's Suspense boundary, so its expected errors are caught here, not around the page. */
const ReliabilityView = withExpectedErrors("/reliability", async function ReliabilityView({ sp }: { sp: SearchParams }) {
  const state = parseViewState(sp, { strict: true });
  const pool = db();
  const [benchmarks, data, slices] = await Promise.all([
    listBenchmarks(pool),
    getReliabilityData(pool, reliabilityQueryForState(state)),
    sliceBarData(pool, state),
  ]);

  if (!data || data.models.length === 0) {
    return (
      <>
        <h1>Reliability diagrams — {state.benchmark}</h1>
        <div className="empty" data-testid="empty">
          No measured runs for {state.benchmark} yet: reliability diagrams need per-question outputs. Import
          them with <code>npm run calib -- import FILE --model NAME --benchmark {state.benchmark}</code>{" "}
          (lm-eval-harness samples, JSONL/CSV scores, Plaut et al. files) or run a model with{" "}
          <code>npm run calib -- evaluate</code>; published aggregates alone have no bins (see the{" "}
          <Link href="/">heatmap</Link>).
        </div>
      </>
    );
  }

  const resolved = resolveBins(data.storedBins, state.binning, sp.bins === undefined ? undefined : state.bins);
  if ("error" in resolved) throw badInput(resolved.error, { field: "bins" });
  const { bins, binCounts } = resolved;

  const tunedShown = data.series.filter((s) => s.base !== null).map((s) => s.model);
  const pairs = tunedShown.length
    ? await baseTunedPairs(pool, { benchmark: state.benchmark, models: tunedShown, languages: data.languages.map((l) => l.code) })
    : [];
  const tuned = data.models.filter((m) => m.sftDataset !== null);
  const facets = {
    benchmarks: benchmarks
      .map((b) => b.name)
      .concat(benchmarks.some((b) => b.name === state.benchmark) ? [] : [state.benchmark]),
    families: [...new Set(data.models.map((m) => m.family))],
    sftDatasets: [...new Set(tuned.map((m) => m.sftDataset as string))].sort(),
    // Only recorded β values: a tuned model with no β is not on the β axis (it has no checkbox here).
    betas: [...new Set(tuned.flatMap((m) => (m.smoothing === null ? [] : [formatBeta(m.smoothing)])))].sort(),
    models: data.models.map((m) => ({ name: m.name, label: seriesLabel(m), family: m.family })),
    languages: data.allLanguages.map((l) => ({ code: l.code, name: l.name })),
    binCounts,
  };
  const missing = state.models.filter((m) => !data.models.some((x) => x.name === m));

  return (
    <>
      <h1>Reliability diagrams — {state.benchmark}</h1>
      <p className="subtitle">
        Accuracy against confidence per bin (the diagonal is perfect calibration), the gap shaded as over- or
        under-confidence, Wilson 95% intervals, the confidence histogram beneath; ECE, RMS and smECE in each
        panel&apos;s corner. Measured runs only (published figures have no bins). Hover a bin for its numbers;
        click it for its questions.
      </p>
      <ReliabilityFilters state={state} facets={facets} bins={bins} />
      <SliceBar state={state} data={slices} />
      {missing.length > 0 && (
        <p className="notice" data-testid="missing-models">
          No measured stats for {missing.join(", ")} on {state.benchmark}.
        </p>
      )}
      {data.series.length === 0 || data.languages.length === 0 ? (
        <div className="empty" data-testid="empty-selection">
          Nothing measured for this selection. Widen the filters, or import runs:{" "}
          <code>npm run calib -- import FILE --model NAME --benchmark {state.benchmark}</code>.
        </div>
      ) : (
        <ReliabilityChart
          benchmark={state.benchmark}
          binning={state.binning}
          bins={bins}
          smooth={state.smooth === "on"}
          sortPanels={state.sortPanels}
          series={data.series}
          languages={data.languages}
          stats={data.stats}
        />
      )}
      <h2>Base → tuned: significance per language</h2>
      <BaseTunedSignificance packed={packPairs(pairs)} benchmark={state.benchmark} />
    </>
  );
});
