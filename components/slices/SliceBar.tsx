/**
 * The slice control and notice of one view (data from lib/db/queries/slices.ts sliceBarData, loaded by the page).
 * Nothing when the benchmark has no slices stored and none is asked for.
 */
import type { ViewState } from "@/lib/view-state/filters";
import type { SliceBarData } from "@/lib/db/queries/slices";
import { SliceNotice } from "./SliceNotice";
import { SliceSelect } from "./SliceSelect";

export function SliceBar({ state, data }: { state: ViewState; data: SliceBarData }) {
  if (data.options.length === 0 && state.slice === "all") return null;
  return (
    <>
      <SliceSelect state={state} options={data.options} />
      <SliceNotice slice={state.slice} refused={data.refused} />
    </>
  );
}
