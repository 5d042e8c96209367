"use client";
/**
 * The filters every comparison view shares: which results (published, measured or both) and which models (family,
 * SFT dataset, β). One component so the views name and order them the same way.
 */
import type { ViewState } from "@/lib/view-state/filters";
import { CheckboxGroup } from "./CheckboxGroup";
import { Select } from "./Select";

export const SOURCE_OPTIONS: { value: ViewState["source"]; label: string }[] = [
  { value: "both", label: "published + measured" },
  { value: "published", label: "published only" },
  { value: "measured", label: "measured only" },
];

export function SourceSelect({
  value,
  onChange,
}: {
  value: ViewState["source"];
  onChange: (source: ViewState["source"]) => void;
}) {
  return <Select label="Source" name="source" value={value} options={SOURCE_OPTIONS} onChange={onChange} />;
}

export function ModelFacetFilters({
  state,
  facets,
  go,
  beta = true,
  hideWhenEmpty = true,
}: {
  state: Pick<ViewState, "family" | "sft" | "beta">;
  facets: { families: string[]; sftDatasets: string[]; betas: string[] };
  go: (patch: Partial<ViewState>) => void;
  /** Show the β group (its options: "base" and every β). */
  beta?: boolean;
  /** Hide a group with no options (the heatmap keeps the headings of empty family and SFT groups). */
  hideWhenEmpty?: boolean;
}) {
  return (
    <>
      <CheckboxGroup
        legend="Model family"
        name="family"
        options={facets.families}
        selected={state.family}
        hideWhenEmpty={hideWhenEmpty}
        onChange={(family) => go({ family })}
      />
      <CheckboxGroup
        legend="SFT dataset"
        name="sft"
        options={facets.sftDatasets}
        selected={state.sft}
        hideWhenEmpty={hideWhenEmpty}
        onChange={(sft) => go({ sft })}
      />
      {beta && (
        <CheckboxGroup
          legend="β"
          name="beta"
          options={["base", ...facets.betas]}
          selected={state.beta}
          onChange={(b) => go({ beta: b })}
        />
      )}
    </>
  );
}
