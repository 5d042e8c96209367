"use client";
/**
 * Heatmap filters. The URL is the only view state: every change navigates to a new query string
 * built by the same schema the server parses (lib/view-state/filters.ts).
 */
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { METRICS, METRIC_LABELS, toSearchParams, type ViewState } from "@/lib/view-state/filters";

export interface HeatmapFacets {
  benchmarks: string[];
  families: string[];
  sftDatasets: string[];
  betas: string[];
}

export function HeatmapFilters({ state, facets }: { state: ViewState; facets: HeatmapFacets }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();

  const go = (patch: Partial<ViewState>) => {
    const qs = toSearchParams({ ...state, ...patch }).toString();
    startTransition(() => router.push(qs ? `${pathname}?${qs}` : pathname, { scroll: false }));
  };
  const toggle = (list: string[], all: string[], v: string) => {
    const current = list.length ? list : all;
    const next = current.includes(v) ? current.filter((x) => x !== v) : [...current, v];
    return next.length === all.length ? [] : next;
  };

  return (
    <form className="filters" data-testid="filters" aria-busy={pending} onSubmit={(e) => e.preventDefault()}>
      <label>
        Benchmark
        <select name="benchmark" value={state.benchmark} onChange={(e) => go({ benchmark: e.target.value })}>
          {facets.benchmarks.map((b) => (
            <option key={b}>{b}</option>
          ))}
        </select>
      </label>
      <label>
        Metric
        <select name="metric" value={state.metric} onChange={(e) => go({ metric: e.target.value as ViewState["metric"] })}>
          {METRICS.map((m) => (
            <option key={m} value={m}>
              {METRIC_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Show
        <select name="mode" value={state.mode} onChange={(e) => go({ mode: e.target.value as ViewState["mode"] })}>
          <option value="absolute">absolute values</option>
          <option value="delta-base">Δ from the base model</option>
          <option value="delta-beta">Δ between two β values</option>
        </select>
      </label>
      {state.mode === "delta-beta" && (
        <label>
          β
          <select name="betaB" value={state.betaB} onChange={(e) => go({ betaB: e.target.value })}>
            {facets.betas.map((b) => <option key={b}>{b}</option>)}
          </select>
          −
          <select name="betaA" value={state.betaA} onChange={(e) => go({ betaA: e.target.value })}>
            {facets.betas.map((b) => <option key={b}>{b}</option>)}
          </select>
        </label>
      )}
      <label>
        Source
        <select name="source" value={state.source} onChange={(e) => go({ source: e.target.value as ViewState["source"] })}>
          <option value="both">published + measured</option>
          <option value="published">published only</option>
          <option value="measured">measured only</option>
        </select>
      </label>
      <label>
        Rows
        <select name="sort" value={state.sort} onChange={(e) => go({ sort: e.target.value as ViewState["sort"] })}>
          <option value="language">by language</option>
          <option value="resource">by resource class</option>
          <option value="value">by value (row mean)</option>
        </select>
      </label>
      <fieldset>
        <legend>Model family</legend>
        {facets.families.map((f) => (
          <label key={f}>
            <input
              type="checkbox"
              name="family"
              value={f}
              checked={!state.family.length || state.family.includes(f)}
              onChange={() => go({ family: toggle(state.family, facets.families, f) })}
            />
            {f}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>SFT dataset</legend>
        {facets.sftDatasets.map((s) => (
          <label key={s}>
            <input
              type="checkbox"
              name="sft"
              value={s}
              checked={!state.sft.length || state.sft.includes(s)}
              onChange={() => go({ sft: toggle(state.sft, facets.sftDatasets, s) })}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>β</legend>
        {["base", ...facets.betas].map((b) => (
          <label key={b}>
            <input
              type="checkbox"
              name="beta"
              value={b}
              checked={!state.beta.length || state.beta.includes(b)}
              onChange={() => go({ beta: toggle(state.beta, ["base", ...facets.betas], b) })}
            />
            {b}
          </label>
        ))}
      </fieldset>
    </form>
  );
}
