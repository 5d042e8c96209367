"use client";
/** Controls of /smoothing: benchmark, source, model family, SFT dataset, languages, the two β of the headline table, bootstrap. */
import type { ViewState } from "@/lib/view-state/filters";
import { CheckboxGroup } from "@/components/filters/CheckboxGroup";
import { Select } from "@/components/filters/Select";
import { useViewStatePush } from "@/components/filters/use-view-state-push";
import { ModelFacetFilters, SourceSelect } from "@/components/filters/ModelFacetFilters";

export interface SmoothingFacets {
  benchmarks: string[];
  families: string[];
  sftDatasets: string[];
  betas: string[];
  languages: { code: string; name: string }[];
  hasMeasured: boolean;
}

export function SmoothingFilters({ state, facets }: { state: ViewState; facets: SmoothingFacets }) {
  const { go, pending } = useViewStatePush(state);
  return (
    <form className="filters" data-testid="filters" aria-busy={pending} onSubmit={(e) => e.preventDefault()}>
      <Select
        label="Benchmark"
        name="benchmark"
        value={state.benchmark}
        options={facets.benchmarks}
        onChange={(benchmark) => go({ benchmark, languages: [] })}
      />
      <SourceSelect value={state.source} onChange={(source) => go({ source })} />
      <label>
        Table: β
        <select name="betaA" value={state.betaA} onChange={(e) => go({ betaA: e.target.value })}>
          {facets.betas.map((b) => (
            <option key={b}>{b}</option>
          ))}
        </select>
        vs
        <select name="betaB" value={state.betaB} onChange={(e) => go({ betaB: e.target.value })}>
          {facets.betas.map((b) => (
            <option key={b}>{b}</option>
          ))}
        </select>
      </label>
      {facets.hasMeasured && (
        <label title="Per-language significance of measured runs: paired bootstrap over the questions (reads the predictions of two runs per pair)">
          <input
            type="checkbox"
            name="bootstrap"
            checked={state.bootstrap === "on"}
            onChange={(e) => go({ bootstrap: e.target.checked ? "on" : "off" })}
          />
          paired bootstrap per language
        </label>
      )}
      <ModelFacetFilters state={state} facets={facets} go={go} beta={false} />
      <details>
        <summary>
          Languages ({state.languages.length ? `average + ${state.languages.join(", ")}` : "average only"})
        </summary>
        <CheckboxGroup
          legend=""
          name="languages"
          options={facets.languages.map((l) => l.code)}
          labels={Object.fromEntries(facets.languages.map((l) => [l.code, `${l.name} (${l.code})`]))}
          selected={state.languages}
          emptyMeansAll={false}
          onChange={(languages) => go({ languages })}
        />
      </details>
    </form>
  );
}
