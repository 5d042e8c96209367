"use client";
/** Server-side filters of /results (what rows and columns the page loads): benchmark, source, family, SFT dataset, β, languages, columns. */
import type { ViewState } from "@/lib/view-state/filters";
import { CheckboxGroup } from "@/components/filters/CheckboxGroup";
import { Select } from "@/components/filters/Select";
import { useViewStatePush } from "@/components/filters/use-view-state-push";
import { ModelFacetFilters, SourceSelect } from "@/components/filters/ModelFacetFilters";
import { tableKeysFromLocation } from "./results-view";

export interface ResultsFacets {
  benchmarks: string[];
  families: string[];
  sftDatasets: string[];
  betas: string[];
  languages: { code: string; name: string }[];
  columns: { id: string; title: string }[];
}

export function ResultsFilters({
  state,
  facets,
  shown,
}: {
  state: ViewState;
  facets: ResultsFacets;
  shown: string[];
}) {
  // Keep the table's sorting, filters and grouping (they live in the address bar only).
  const { go, pending } = useViewStatePush(state, { fromLocation: tableKeysFromLocation });
  return (
    <form className="filters" data-testid="filters" aria-busy={pending} onSubmit={(e) => e.preventDefault()}>
      <Select
        label="Benchmark"
        name="benchmark"
        value={state.benchmark}
        options={[
          { value: "all", label: "all benchmarks" },
          ...facets.benchmarks.map((b) => ({ value: b, label: b })),
        ]}
        onChange={(benchmark) => go({ benchmark, languages: [] })}
      />
      <SourceSelect value={state.source} onChange={(source) => go({ source })} />
      <ModelFacetFilters state={state} facets={facets} go={go} />
      <details>
        <summary>Languages ({state.languages.length ? state.languages.join(", ") : "all"})</summary>
        <CheckboxGroup
          legend=""
          name="languages"
          options={facets.languages.map((l) => l.code)}
          labels={Object.fromEntries(facets.languages.map((l) => [l.code, `${l.name} (${l.code})`]))}
          selected={state.languages}
          onChange={(languages) => go({ languages })}
        />
      </details>
      <details>
        <summary>Columns ({shown.length} shown)</summary>
        <CheckboxGroup
          legend=""
          name="cols"
          options={facets.columns.map((c) => c.id)}
          labels={Object.fromEntries(facets.columns.map((c) => [c.id, c.title]))}
          selected={shown}
          emptyMeansAll={false}
          onChange={(cols) => go({ cols: facets.columns.map((c) => c.id).filter((id) => cols.includes(id)) })}
        />
      </details>
    </form>
  );
}
