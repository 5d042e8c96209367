/**
 * `/shifts` — base → tuned, question by question, per language: scatter of base vs tuned confidence coloured
 * by the change in correctness, flip counts and "confident and wrong" gained / lost; points link to
 * /questions/[id]. URL: ?benchmark=…&models=<tuned model>&languages=<code>&cw=0.9
 */
import { type ShiftPoint, ShiftsScatter } from "@/components/analysis/ShiftsScatter";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { shiftCounts, shiftKind } from "@/lib/calibration/shifts";
import { listBenchmarks } from "@/lib/db/queries/heatmap";
import { getShifts, shiftOptions } from "@/lib/db/queries/shifts";
import { db } from "@/lib/db/server";
import { parseViewState, type SearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";

export default withExpectedErrors("/shifts", async function ShiftsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const state = parseViewState(await searchParams, { strict: true });
  const pool = db();
  const benchmarks = await listBenchmarks(pool);
  const first = await shiftOptions(pool, state.benchmark, null);
  const tuned = state.models[0] ?? first.tunedModels[0] ?? null;
  const opts = await shiftOptions(pool, state.benchmark, tuned);
  const language = state.languages[0] ?? opts.languages[0]?.code ?? null;
  const data = tuned && language ? await getShifts(pool, state.benchmark, tuned, language) : null;
  const points: ShiftPoint[] = (data?.rows ?? []).map((r) => ({
    questionId: r.questionId,
    externalId: r.externalId,
    baseConfidence: r.baseConfidence,
    tunedConfidence: r.tunedConfidence,
    kind: shiftKind(r.baseCorrect, r.tunedCorrect),
  }));
  return (
    <>
      <h1>Base → tuned, question by question — {state.benchmark}</h1>
      <p className="subtitle">
        Each point is one question answered by both the base model and its tuned variant (latest run of each) in one
        language. Red: right before tuning, wrong after; green: the reverse. Points above the diagonal became more
        confident. “Confident and wrong” = wrong with confidence ≥ {state.cw}. Click a point to open the question.
      </p>
      <form method="get" action="/shifts" className="toolbar" data-testid="shifts-form">
        <label>
          Benchmark{" "}
          <select name="benchmark" defaultValue={state.benchmark}>
            {benchmarks.map((b) => <option key={b.name}>{b.name}</option>)}
          </select>
        </label>
        <label>
          Tuned model{" "}
          <select name="models" defaultValue={tuned ?? undefined} data-testid="shifts-model">
            {opts.tunedModels.map((m) => <option key={m}>{m}</option>)}
          </select>
        </label>
        <label>
          Language{" "}
          <select name="languages" defaultValue={language ?? undefined} data-testid="shifts-language">
            {opts.languages.map((l) => <option key={l.code} value={l.code}>{l.code} — {l.name} (class {l.resourceClass})</option>)}
          </select>
        </label>
        <label>
          Confident at ≥ <input name="cw" type="number" min={0.5} max={1} step={0.05} defaultValue={state.cw} style={{ width: 64 }} />
        </label>
        <button type="submit">Show</button>
      </form>
      {!data ? (
        <div className="empty" data-testid="empty">
          No tuned run with a base run over the same questions{tuned ? ` for ${tuned}` : ""}{language ? ` in ${language}` : ""}.
          Import or evaluate a tuned model and its base model on the same benchmark.
        </div>
      ) : (
        <ShiftsScatter
          name={`shifts-${state.benchmark}-${data.tuned.model}-${data.language}`}
          points={points}
          counts={shiftCounts(data.rows, state.cw)}
          threshold={state.cw}
          baseLabel={data.base.model}
          tunedLabel={data.tuned.model}
        />
      )}
    </>
  );
});
