"use client";
/**
 * Heatmap filters: benchmark, metric, absolute or Δ values, source, row order, family × SFT dataset × β.
 */
import { METRICS, METRIC_LABELS, type ViewState } from "@/lib/view-state/filters";
import { CheckboxGroup } from "./CheckboxGroup";
import { Select } from "./Select";
import { useViewStatePush } from "./use-view-state-push";

export interface HeatmapFacets {
  benchmarks: string[];
  families: string[];
  sftDatasets: string[];
  betas: string[];
}

export function HeatmapFilters({ state, facets }: { state: ViewState; facets: HeatmapFacets }) {
  const { go, pending } = useViewStatePush(state);

  return (
    <form className="filters" data-testid="filters" aria-busy={pending} onSubmit={(e) => e.preventDefault()}>
      <Select
        label="Benchmark"
        name="benchmark"
        value={state.benchmark}
        options={facets.benchmarks}
        onChange={(benchmark) => go({ benchmark })}
      />
      <Select
        label="Metric"
        name="metric"
        value={state.metric}
        options={METRICS.map((m) => ({ value: m, label: METRIC_LABELS[m] }))}
        onChange={(metric) => go({ metric })}
      />
      <Select
        label="Show"
        name="mode"
        value={state.mode}
        options={[
          { value: "absolute", label: "absolute values" },
          { value: "delta-base", label: "Δ from the base model" },
          { value: "delta-beta", label: "Δ between two β values" },
        ]}
        onChange={(mode) => go({ mode })}
      />
      {state.mode === "delta-beta" && (
        <label>
          β
          <select name="betaB" value={state.betaB} onChange={(e) => go({ betaB: e.target.value })}>
            {facets.betas.map((b) => (
              <option key={b}>{b}</option>
            ))}
          </select>
          −
          <select name="betaA" value={state.betaA} onChange={(e) => go({ betaA: e.target.value })}>
            {facets.betas.map((b) => (
              <option key={b}>{b}</option>
            ))}
          </select>
        </label>
      )}
      <Select
        label="Source"
        name="source"
        value={state.source}
        options={[
          { value: "both", label: "published + measured" },
          { value: "published", label: "published only" },
          { value: "measured", label: "measured only" },
        ]}
        onChange={(source) => go({ source })}
      />
      <Select
        label="Rows"
        name="sort"
        value={state.sort}
        options={[
          { value: "language", label: "by language" },
          { value: "resource", label: "by resource class" },
          { value: "value", label: "by value (row mean)" },
        ]}
        onChange={(sort) => go({ sort })}
      />
      <CheckboxGroup
        legend="Model family"
        name="family"
        options={facets.families}
        selected={state.family}
        hideWhenEmpty={false}
        onChange={(family) => go({ family })}
      />
      <CheckboxGroup
        legend="SFT dataset"
        name="sft"
        options={facets.sftDatasets}
        selected={state.sft}
        hideWhenEmpty={false}
        onChange={(sft) => go({ sft })}
      />
      <CheckboxGroup
        legend="β"
        name="beta"
        options={["base", ...facets.betas]}
        selected={state.beta}
        onChange={(beta) => go({ beta })}
      />
    </form>
  );
}
