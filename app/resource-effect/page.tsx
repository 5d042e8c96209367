/**
 * `/resource-effect` — Δ ECE (tuned − base) per language against resource class, with Spearman's ρ, its
 * bootstrap interval and Holm-adjusted p-values across configurations, for published and measured data.
 * URL: ?benchmark=…&source=both|published|measured&models=<configuration key>
 */
import { ResourceEffectChart } from "@/components/analysis/ResourceEffectChart";
import { rhoText } from "@/components/analysis/rho-text";
import { withExpectedErrors } from "@/components/ui/expected-errors";
import { listBenchmarks } from "@/lib/db/queries/heatmap";
import { formatBeta } from "@/lib/format";
import { getResourceEffect, RHO_RESAMPLES } from "@/lib/db/queries/resource-effect";
import { db } from "@/lib/db/server";
import { parseViewState, type SearchParams, toSearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";

export default withExpectedErrors("/resource-effect", async function ResourceEffectPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const state = parseViewState(await searchParams, { strict: true });
  const pool = db();
  const sources = state.source === "both" ? (["published", "measured"] as const) : ([state.source] as const);
  const [benchmarks, data] = await Promise.all([
    listBenchmarks(pool),
    getResourceEffect(pool, { benchmark: state.benchmark, sources: [...sources], families: state.family, sft: state.sft, betas: state.beta }),
  ]);
  const configs = data?.configurations ?? [];
  const selected = configs.find((c) => c.column.key === state.models[0]) ?? configs[0];
  const label = (c: (typeof configs)[number]) => `${c.column.source} · ${c.column.model} ${c.column.sftDataset} β=${formatBeta(c.column.smoothing)}`;
  const href = (key: string) => `/resource-effect?${toSearchParams({ ...state, models: [key] }).toString()}`;
  return (
    <>
      <h1>Does tuning hurt calibration more in low-resource languages? — {state.benchmark}</h1>
      <p className="subtitle">
        Δ ECE = ECE of the tuned model − ECE of its base model, per language (15 equal-width bins). A negative
        Spearman ρ means the calibration loss grows as resources shrink. Intervals: {RHO_RESAMPLES} pairs-bootstrap
        resamples over languages (seeded); p-values: t approximation, Holm-adjusted across the configurations listed
        (raw p on hover).
      </p>
      <nav className="toolbar" aria-label="benchmark and source">
        {benchmarks.map((b) => (
          <a key={b.name} href={`/resource-effect?${toSearchParams({ ...state, benchmark: b.name, models: [] }).toString()}`} aria-current={b.name === state.benchmark ? "page" : undefined}>
            {b.name}
          </a>
        ))}
        {(["both", "published", "measured"] as const).map((s) => (
          <a key={s} href={`/resource-effect?${toSearchParams({ ...state, source: s, models: [] }).toString()}`} aria-current={s === state.source ? "page" : undefined}>
            {s}
          </a>
        ))}
      </nav>
      {!selected ? (
        <div className="empty" data-testid="empty">No tuned configuration with a base model for this selection.</div>
      ) : (
        <>
          <ResourceEffectChart name={`resource-effect-${state.benchmark}-${selected.column.key}`} config={selected} label={label(selected)} />
          <table className="data" data-testid="rho-table">
            <thead>
              <tr><th>Configuration</th><th>Languages</th><th>Spearman ρ [95% CI]</th><th>p (Holm-adjusted)</th></tr>
            </thead>
            <tbody>
              {configs.map((c) => (
                <tr key={c.column.key} data-testid="rho-row" data-source={c.column.source} aria-selected={c === selected}>
                  <td><a href={href(c.column.key)}>{label(c)}</a></td>
                  <td>{c.points.length}</td>
                  <td>{rhoText(c)}</td>
                  <td title={c.pValue === null ? undefined : `raw p = ${c.pValue.toPrecision(3)}`} data-testid="p-holm">
                    {c.pHolm === null ? "—" : c.pHolm.toPrecision(3)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
});
