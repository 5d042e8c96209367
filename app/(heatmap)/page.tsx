/**
 * `/` — per-language heatmap for one benchmark: rows = languages, columns = configurations
 * (base, then SFT dataset × β per model family), published and measured side by side.
 */
import { HeatmapChart } from "@/components/heatmap/HeatmapChart";
import { HeatmapFilters } from "@/components/filters/HeatmapFilters";
import { SliceBar } from "@/components/slices/SliceBar";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { listBenchmarks } from "@/lib/db/queries/heatmap";
import { formatBeta } from "@/lib/format";
import { heatmapView } from "@/lib/db/queries/heatmap-recalibrated";
import { RecalibrationPending } from "@/components/analysis/RecalibrationPending";
import { db } from "@/lib/db/server";
import { DEFAULT_BINS } from "@/lib/calibration/binning";
import { binningText } from "@/lib/calibration/registry";
import { sliceBarData } from "@/lib/db/queries/slices";
import { sliceLabel } from "@/lib/slices/slice";
import { FIT_LABELS, METHOD_LABELS } from "@/lib/calibration/recalibrate";
import { METRIC_BETTER, METRIC_LABELS, parseViewState, type SearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";


export default withExpectedErrors("/", async function HeatmapPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const state = parseViewState(sp, { strict: true });
  const pool = db();
  const [benchmarks, { all, data, matrixMode, recal }, slices] = await Promise.all([listBenchmarks(pool), heatmapView(pool, state), sliceBarData(pool, state)]);
  const recalibrated = state.mode === "recalibrated";
  const metricLabel = recalibrated ? `ECE after ${METHOD_LABELS[state.method]} (${FIT_LABELS[state.fit]}), out of sample` : METRIC_LABELS[state.metric];

  const facets = {
    benchmarks: benchmarks.map((b) => b.name),
    families: [...new Set(all?.columns.map((c) => c.family) ?? [])].sort(),
    sftDatasets: [...new Set(all?.columns.flatMap((c) => (c.sftDataset ? [c.sftDataset] : [])) ?? [])].sort(),
    betas: [...new Set(all?.columns.flatMap((c) => (c.smoothing === null ? [] : [formatBeta(c.smoothing)])) ?? [])].sort(),
  };
  const hasPublished = !!all?.columns.some((c) => c.source === "published");
  const hasMeasured = !!all?.columns.some((c) => c.source === "measured");
  const shown = data?.columns ?? [];
  const sourceText = [
    shown.some((c) => c.source === "published") ? "published (Huang et al., EACL 2026)" : null,
    shown.some((c) => c.source === "measured") ? "measured (●; n = questions per language, in tooltips)" : null,
  ].filter(Boolean);
  const modeText =
    state.mode === "absolute" || recalibrated ? "" : state.mode === "delta-base" ? " — Δ from the base model" : ` — Δ β=${state.betaB} − β=${state.betaA}`;
  const caption = [
    `${state.benchmark}: ${metricLabel} per language${modeText}${state.slice === "all" ? "" : ` — slice: ${sliceLabel(state.slice)}`}`,
    `${binningText(recalibrated ? "ece" : state.metric, DEFAULT_BINS)} · sources: ${sourceText.join(", ")}`,
    `Models: ${[...new Set(shown.map((c) => c.model))].join(", ")}`,
  ];
  if (!facets.benchmarks.includes(state.benchmark)) facets.benchmarks.push(state.benchmark);

  return (
    <>
      <h1>
        {metricLabel} per language — {state.benchmark}
      </h1>
      <p className="subtitle" data-testid="heatmap-subtitle">
        {hasPublished && hasMeasured
          ? "Published figures (Huang et al., EACL 2026) beside measured runs (●). "
          : hasPublished
            ? "Published figures (Huang et al., EACL 2026). "
            : "Measured runs (●); the paper publishes no figures for this benchmark. "}
        ECE uses 15 equal-width bins, RMS 15 equal-mass bins, entropy is in bits. Hover or focus (Tab) a cell for
        its exact value{hasMeasured ? "; click a measured cell for its reliability diagrams" : ""}.
      </p>
      <HeatmapFilters state={state} facets={facets} />
      {!recalibrated && <SliceBar state={state} data={slices} />}
      {recal && (
        <div className="notice" data-testid="recal-notice">
          <p>
            Measured runs only, whole languages: 5-fold cross-validation by question, the same computation as{" "}
            <a href={`/recalibration?benchmark=${encodeURIComponent(state.benchmark)}&method=${state.method}`}>/recalibration</a> (ECE over 15
            equal-width bins of the recalibrated confidences).
          </p>
          {recal.failed.map((f) => (
            <p key={f.model} className="error" role="alert">
              {f.model}: {f.message}
            </p>
          ))}
          {recal.pending.length > 0 && (
            <>
              <p data-testid="recal-pending-models">Not yet computed: {recal.pending.join(", ")}.</p>
              <RecalibrationPending
                statusUrl={`/recalibration/status?${new URLSearchParams({ benchmark: state.benchmark, models: recal.pending[0], method: state.method })}`}
                busy={recal.busy}
              />
            </>
          )}
        </div>
      )}
      {!data || data.columns.length === 0 ? (
        <div className="empty" data-testid="empty">
          No results for {state.benchmark} yet. Load the paper&apos;s figures with{" "}
          <code>npm run calib -- import-published data/published/published-per-language.csv</code>, import your own
          outputs with <code>npm run calib -- import FILE --model NAME --benchmark {state.benchmark}</code>, or run a
          model with <code>npm run calib -- evaluate</code>.
        </div>
      ) : (
        <HeatmapChart
          data={data}
          mode={matrixMode}
          sort={state.sort}
          betaA={state.betaA}
          betaB={state.betaB}
          metricLabel={metricLabel}
          better={METRIC_BETTER[recalibrated ? "ece" : state.metric]}
          caption={caption}
          reliabilityQuery={new URLSearchParams({ benchmark: state.benchmark }).toString()}
        />
      )}
    </>
  );
});
