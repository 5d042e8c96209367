"use client";
/**
 * The slice filter (issue 14; lib/slices/slice.ts): all questions, CS, CA or one subject category, each option
 * with the n it has (per run × language: the smallest and largest). Changing it navigates to `?slice=…`, keeping
 * the rest of the view state.
 */
import type { ViewState } from "@/lib/view-state/filters";
import { useViewStatePush } from "@/components/filters/use-view-state-push";
import { Select } from "@/components/filters/Select";
import type { SliceOption } from "@/lib/db/queries/slices";
import { sliceLabel } from "@/lib/slices/slice";

export function SliceSelect({ state, options }: { state: Partial<ViewState>; options: SliceOption[] }) {
  const { go, pending } = useViewStatePush(state);
  const current = state.slice ?? "all";
  const known = options.some((o) => o.slice === current);
  const range = (o: SliceOption) => (o.minN === o.maxN ? `n = ${o.minN}` : `n = ${o.minN}–${o.maxN}`);
  return (
    <div className="filters" data-testid="slice-filter" aria-busy={pending}>
      <Select
        label="Questions"
        name="slice"
        value={current}
        options={[
          { value: "all", label: "all questions" },
          ...options.map((o) => ({ value: o.slice, label: `${sliceLabel(o.slice)} (${range(o)})` })),
          ...(known || current === "all" ? [] : [{ value: current, label: `${sliceLabel(current)} (none stored)` }]),
        ]}
        onChange={(slice) => go({ slice })}
      />
    </div>
  );
}
