"use client";
/**
 * Heatmap filters: benchmark, metric, absolute or Δ values, source, row order, family × SFT dataset × β.
 */
import { FIT_LABELS, FIT_SCOPES, METHOD_LABELS, RECALIBRATION_METHODS } from "@/lib/calibration/recalibrate/crossval";
import { METRICS, METRIC_LABELS, type ViewState } from "@/lib/view-state/filters";
import { Select } from "./Select";
import { useViewStatePush } from "./use-view-state-push";
import { ModelFacetFilters, SourceSelect } from "./ModelFacetFilters";

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
          { value: "recalibrated", label: "ECE after recalibration" },
        ]}
        onChange={(mode) => go({ mode })}
      />
      {state.mode === "recalibrated" && (
        <>
          <Select
            label="Method"
            name="method"
            value={state.method}
            options={RECALIBRATION_METHODS.map((value) => ({ value, label: METHOD_LABELS[value] }))}
            onChange={(method) => go({ method })}
          />
          <Select
            label="Fit"
            name="fit"
            value={state.fit}
            options={FIT_SCOPES.map((value) => ({ value, label: FIT_LABELS[value] }))}
            onChange={(fit) => go({ fit })}
          />
        </>
      )}
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
      <SourceSelect value={state.source} onChange={(source) => go({ source })} />
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
      <ModelFacetFilters state={state} facets={facets} go={go} hideWhenEmpty={false} />
    </form>
  );
}
