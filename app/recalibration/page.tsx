/**
 * `/recalibration` — post-hoc recalibration what-if for one measured run: out-of-sample ECE per language
 * before and after temperature scaling / histogram binning / isotonic regression fitted per language, on
 * English only, or pooled; grouped by resource class. URL: ?benchmark=…&models=<model>&method=temperature
 * The computation runs on a compute thread (lib/db/queries/recalibration.ts): until its result is there the page
 * renders "computing…" at once, and a client leaf polls /recalibration/status and refreshes it when ready.
 */
import { METHOD_LABELS, RECALIBRATION_METHODS, type RecalibrationMethod } from "@/lib/calibration/recalibrate";
import { RecalibrationPending } from "@/components/analysis/RecalibrationPending";
import { RecalibrationReliability } from "@/components/analysis/RecalibrationReliability";
import { RecalibrationTable } from "@/components/analysis/RecalibrationTable";
import { ErrorPanel } from "@/components/ui/ErrorPanel";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { listBenchmarks } from "@/lib/db/queries/heatmap";
import { RECALIBRATION_RESAMPLES, recalibrationModels, recalibrationStatus } from "@/lib/db/queries/recalibration";
import { db } from "@/lib/db/server";
import { parseViewState, type SearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";

/** The method as this page describes it: with the histogram's bins and the isotonic algorithm. */
const METHOD_DETAIL: Record<RecalibrationMethod, string> = {
  temperature: METHOD_LABELS.temperature,
  histogram: `${METHOD_LABELS.histogram} (15 equal-mass bins)`,
  isotonic: `${METHOD_LABELS.isotonic} (PAV)`,
};

export default withExpectedErrors("/recalibration", async function RecalibrationPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const state = parseViewState(await searchParams, { strict: true });
  const pool = db();
  const [benchmarks, models] = await Promise.all([listBenchmarks(pool), recalibrationModels(pool, state.benchmark)]);
  const model = state.models[0] ?? models[0] ?? null;
  const status = model ? await recalibrationStatus(pool, state.benchmark, model, state.method) : { state: "none" as const };
  const data = status.state === "ready" ? status.view : null;
  const problem = status.state === "failed" ? status.message : null;
  const statusUrl = model ? `/recalibration/status?${new URLSearchParams({ benchmark: state.benchmark, models: model, method: state.method })}` : "";
  return (
    <>
      <h1>Post-hoc recalibration — {state.benchmark}</h1>
      <p className="subtitle">
        Would a post-hoc fix do what label smoothing does, and does a fit on English transfer? ECE (15 equal-width
        bins) of each language before and after {METHOD_DETAIL[state.method]}, fitted on the language itself, on
        English only, or on all languages pooled. Every number is out of sample: 5-fold cross-validation with
        folds by question (a question and its translations share a fold; seeded). Brackets: 95% bootstrap
        intervals ({RECALIBRATION_RESAMPLES} resamples); English − own is paired.
      </p>
      <form method="get" action="/recalibration" className="toolbar" data-testid="recal-form">
        <label>
          Benchmark{" "}
          <select name="benchmark" defaultValue={state.benchmark}>
            {benchmarks.map((b) => <option key={b.name}>{b.name}</option>)}
          </select>
        </label>
        <label>
          Model{" "}
          <select name="models" defaultValue={model ?? undefined} data-testid="recal-model">
            {models.map((m) => <option key={m}>{m}</option>)}
          </select>
        </label>
        <label>
          Method{" "}
          <select name="method" defaultValue={state.method} data-testid="recal-method">
            {RECALIBRATION_METHODS.map((m) => <option key={m} value={m}>{METHOD_DETAIL[m]}</option>)}
          </select>
        </label>
        {data && (
          <label>
            Reliability of{" "}
            <select name="languages" defaultValue={state.languages[0] ?? data.languages[0]?.language} data-testid="recal-language">
              {data.languages.map((l) => <option key={l.language} value={l.language}>{l.language} — {l.name}</option>)}
            </select>
          </label>
        )}
        <button type="submit">Show</button>
      </form>
      {problem ? (
        <ErrorPanel message={problem} resetHref="/recalibration" />
      ) : status.state === "pending" || status.state === "busy" ? (
        <RecalibrationPending key={statusUrl} statusUrl={statusUrl} busy={status.state === "busy"} />
      ) : !data ? (
        <div className="empty" data-testid="empty">No measured run for this benchmark. Import or evaluate a model first.</div>
      ) : (
        <>
          <p>
            Run {data.runId} ({data.model}); temperature fitted on{" "}
            {data.labelled ? "the NLL of the gold answer" : "the binary NLL of the confidence (gold answers unknown)"}.
          </p>
          {(() => {
            const lang = data.languages.find((l) => l.language === state.languages[0]) ?? data.languages[0];
            return lang ? <RecalibrationReliability name={`recalibration-reliability-${data.model}-${data.method}-${lang.language}`} language={lang} /> : null;
          })()}
          <RecalibrationTable data={data} />
        </>
      )}
    </>
  );
});
