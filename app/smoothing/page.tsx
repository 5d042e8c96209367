/**
 * `/smoothing` — label smoothing (β) comparison: ECE, accuracy and entropy against β per model family × SFT
 * dataset (averaged over languages, and per chosen language), significance against β = 0, and the paper's
 * headline table rebuilt from the per-language rows. Reads PublishedResult and RunLanguageStats.
 */
import { HeadlineTable } from "@/components/smoothing/HeadlineTable";
import { SmoothingChart } from "@/components/smoothing/SmoothingChart";
import { SmoothingFilters } from "@/components/smoothing/SmoothingFilters";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { listBenchmarks } from "@/lib/db/queries/heatmap";
import { getSmoothingDataCached, smoothingQueryForState } from "@/lib/db/queries/smoothing";
import { baseTunedPairs } from "@/lib/db/queries/base-tuned";
import { BaseTunedSignificance } from "@/components/smoothing/BaseTunedSignificance";
import { packPairs } from "@/lib/views/base-tuned-packed";
import { db } from "@/lib/db/server";
import { sliceBarData } from "@/lib/db/queries/slices";
import { SliceBar } from "@/components/slices/SliceBar";
import { parseViewState, type SearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";

export default withExpectedErrors("/smoothing", async function SmoothingPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const state = parseViewState(sp, { strict: true });
  const pool = db();
  const [benchmarks, data, pairs, slices] = await Promise.all([
    listBenchmarks(pool),
    getSmoothingDataCached(pool, smoothingQueryForState(state)),
    state.source === "published"
      ? Promise.resolve([])
      : baseTunedPairs(pool, { benchmark: state.benchmark, families: state.family, sft: state.sft, languages: state.languages }),
    sliceBarData(pool, state),
  ]);
  const empty = !data || data.panels.every((p) => p.series.length === 0);
  return (
    <>
      <h1>Label smoothing (β) — {state.benchmark}</h1>
      <p className="subtitle">
        How the label-smoothing strength β used in SFT changes calibration (ECE), accuracy and entropy, per
        model family × SFT dataset. Averages over languages are tested against β = 0 with a paired t-test
        across languages; single languages of measured runs with a paired bootstrap over their questions (on
        request).
      </p>
      {data && (
        <SmoothingFilters
          state={state}
          facets={{
            benchmarks: benchmarks.map((b) => b.name),
            families: data.facets.families,
            sftDatasets: data.facets.sftDatasets,
            betas: data.betas.length ? data.betas : ["0.0", "0.1"],
            languages: data.facets.languages,
            hasMeasured: data.facets.sources.includes("measured"),
          }}
        />
      )}
      <SliceBar state={state} data={slices} />
      {empty || !data ? (
        <div className="empty" data-testid="empty">
          No β variants for {state.benchmark} yet. Load the paper&apos;s figures with{" "}
          <code>npm run calib -- import-published data/published/published-per-language.csv</code>, or import
          runs of models tuned with label smoothing:{" "}
          <code>
            npm run calib -- import FILE --model NAME --base BASE --sft DATASET --smoothing 0.1 --benchmark{" "}
            {state.benchmark}
          </code>
          .
        </div>
      ) : (
        <>
          <h2>
            Headline table: β = {data.betaA} vs β = {data.betaB}
          </h2>
          <HeadlineTable
            rows={data.headline}
            betaA={data.betaA}
            betaB={data.betaB}
            benchmark={data.benchmark}
          />
          <h2>Metrics against β</h2>
          <SmoothingChart
            benchmark={data.benchmark}
            betas={data.betas}
            panels={data.panels}
            families={data.facets.families}
            sftDatasets={data.facets.sftDatasets}
            bootstrap={state.bootstrap === "on"}
          />
        </>
      )}
      {state.source !== "published" && (
        <>
          <h2>Base → tuned (measured runs)</h2>
          <BaseTunedSignificance packed={packPairs(pairs)} benchmark={state.benchmark} />
        </>
      )}
    </>
  );
});
