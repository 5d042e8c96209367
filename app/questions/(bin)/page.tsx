/**
 * `/questions?run=&languages=xx&binning=&bins=&bin=` — the questions in one reliability bin of one run and
 * language (a click on a bin of /reliability). Reads the predictions of that run × language only.
 */
import Link from "next/link";
import { BinQuestionsTable } from "@/components/questions/BinQuestionsTable";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { badInput } from "@/lib/errors";
import { getBinQuestions } from "@/lib/db/queries/questions";
import { db } from "@/lib/db/server";
import { parseViewState, toSearchParams, type SearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";

export default withExpectedErrors("/reliability", async function BinQuestionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const state = parseViewState(sp, { strict: true });
  if (state.run === undefined || state.bin === undefined || state.languages.length !== 1) {
    return (
      <>
        <h1>Questions</h1>
        <div className="empty" data-testid="empty">
          Pick a bin: click a point of a reliability diagram on{" "}
          <Link href="/reliability">/reliability</Link> to list the questions in it, or open one question at{" "}
          <code>/questions/ID</code>. (This page needs <code>run</code>, one language in{" "}
          <code>languages</code>, and <code>bin</code>.)
        </div>
      </>
    );
  }
  if (state.binning === "equal-mass" && state.bins !== 15 && sp.bins !== undefined)
    throw badInput("equal-mass bins exist only for the stored count", { field: "bins" });
  const data = await getBinQuestions(db(), {
    runId: state.run,
    language: state.languages[0],
    binning: state.binning,
    bins: state.bins,
    bin: state.bin,
    page: state.page,
  });
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  // Back to the same diagram: every model it drew (the tuned one with its base), smoothing, binning and bins.
  const back = toSearchParams({
    benchmark: data.benchmark,
    languages: [data.language],
    models: state.models.length ? [...new Set([...state.models, data.model])] : [data.model],
    binning: state.binning,
    bins: state.bins,
    smooth: state.smooth,
  });
  return (
    <>
      <h1>
        Questions in bin {data.bin + 1}/{data.bins} — {data.model}, {data.languageName} ({data.language})
      </h1>
      <p
        className="subtitle"
        data-testid="bin-summary"
        data-total={data.total}
        data-stats-count={data.statsCount ?? ""}
      >
        {data.benchmark} · run {data.runId} · {data.binning} bins · confidence {data.lower.toFixed(4)}–
        {data.upper.toFixed(4)} · {data.total} question(s)
        {data.statsCount !== null && data.statsCount !== data.total
          ? ` (the stored stats count ${data.statsCount}: recompute the run's stats)`
          : ""}{" "}
        · sorted by confidence · <Link href={`/reliability?${back}`} data-testid="back-to-reliability">back to the reliability diagram</Link>
      </p>
      {data.questions.length === 0 ? (
        <div className="empty" data-testid="empty">
          No stored predictions fall in this bin{data.total === 0 ? "" : " on this page"}. Predictions are
          kept for imported and worker runs; import them with{" "}
          <code>npm run calib -- import FILE --model NAME --benchmark {data.benchmark}</code>.
        </div>
      ) : (
        <BinQuestionsTable data={data} />
      )}
      {pages > 1 && (
        <p className="toolbar" data-testid="pager">
          Page {state.page} of {pages}
          {state.page > 1 && (
            <Link href={`/questions?${toSearchParams({ ...state, page: state.page - 1 })}`}>previous</Link>
          )}
          {state.page < pages && (
            <Link href={`/questions?${toSearchParams({ ...state, page: state.page + 1 })}`}>next</Link>
          )}
        </p>
      )}
    </>
  );
});
