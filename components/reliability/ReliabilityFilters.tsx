"use client";
/** Controls of /reliability: benchmark, models (or family × SFT dataset × β), languages, binning, bins, smooth curve, panel order. */
import type { ViewState } from "@/lib/view-state/filters";
import { CheckboxGroup } from "@/components/filters/CheckboxGroup";
import { Select } from "@/components/filters/Select";
import { useViewStatePush } from "@/components/filters/use-view-state-push";

export interface ReliabilityFacets {
  benchmarks: string[];
  families: string[];
  sftDatasets: string[];
  betas: string[];
  models: { name: string; label: string; family: string }[];
  languages: { code: string; name: string }[];
  binCounts: number[];
}

export function ReliabilityFilters({
  state,
  facets,
  bins,
}: {
  state: ViewState;
  facets: ReliabilityFacets;
  bins: number;
}) {
  const { go, pending } = useViewStatePush(state);
  const byModels = state.models.length > 0;
  return (
    <form className="filters" data-testid="filters" aria-busy={pending} onSubmit={(e) => e.preventDefault()}>
      <Select
        label="Benchmark"
        name="benchmark"
        value={state.benchmark}
        options={facets.benchmarks}
        onChange={(benchmark) => go({ benchmark, models: [], languages: [] })}
      />
      <Select
        label="Binning"
        name="binning"
        value={state.binning}
        options={[
          { value: "equal-width", label: "equal-width" },
          { value: "equal-mass", label: "equal-mass" },
        ]}
        onChange={(binning) => go({ binning, bins: 15 })}
      />
      <Select
        label="Bins"
        name="bins"
        value={String(bins)}
        options={facets.binCounts.map(String)}
        onChange={(b) => go({ bins: Number(b) })}
      />
      <label>
        <input
          type="checkbox"
          name="smooth"
          checked={state.smooth === "on"}
          onChange={(e) => go({ smooth: e.target.checked ? "on" : "off" })}
        />
        smooth curve
      </label>
      <Select
        label="Panels"
        name="sortPanels"
        value={state.sortPanels}
        options={[
          { value: "language", label: "by language" },
          { value: "resource", label: "by resource class" },
          { value: "dece-desc", label: "by Δ ECE (largest rise first)" },
          { value: "dece-asc", label: "by Δ ECE (largest drop first)" },
        ]}
        onChange={(sortPanels) => go({ sortPanels })}
      />
      <CheckboxGroup
        legend="Model family"
        name="family"
        options={facets.families}
        selected={state.family.length ? state.family : byModels ? [] : facets.families.slice(0, 1)}
        emptyMeansAll={false}
        onChange={(family) => go({ family, models: [] })}
      />
      <CheckboxGroup
        legend="SFT dataset"
        name="sft"
        options={facets.sftDatasets}
        selected={state.sft}
        onChange={(sft) => go({ sft, models: [] })}
      />
      {facets.betas.length > 0 && (
      <CheckboxGroup
        legend="β (tuned)"
        name="beta"
        options={facets.betas}
        selected={state.beta.length || byModels ? state.beta : facets.betas.slice(0, 1)}
        emptyMeansAll={false}
        onChange={(beta) => go({ beta, models: [] })}
      />
      )}
      <details>
        <summary>
          Models
          {byModels
            ? ` (${state.models.length} chosen — family, SFT and β filters are ignored)`
            : " (pick exact models)"}
        </summary>
        <CheckboxGroup
          legend=""
          name="models"
          options={facets.models.map((m) => m.name)}
          labels={Object.fromEntries(facets.models.map((m) => [m.name, m.label]))}
          selected={state.models}
          emptyMeansAll={false}
          onChange={(models) => go({ models })}
        />
      </details>
      <details>
        <summary>
          Languages ({state.languages.length ? state.languages.join(", ") : `all ${facets.languages.length}`})
        </summary>
        <CheckboxGroup
          legend=""
          name="languages"
          options={facets.languages.map((l) => l.code)}
          labels={Object.fromEntries(facets.languages.map((l) => [l.code, `${l.name} (${l.code})`]))}
          selected={state.languages}
          onChange={(languages) => go({ languages })}
        />
      </details>
    </form>
  );
}
