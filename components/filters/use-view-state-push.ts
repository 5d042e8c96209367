/**
 * The URL is the only view state of the dashboard: a filter change becomes a navigation to the query
 * string that lib/view-state/filters.ts parses on the server. Serialised with the zod-free copy in
 * components/reliability/url-state.ts (checked against the schema by its test) so that client bundles do
 * not carry zod.
 */
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import type { ViewState } from "@/lib/view-state/filters";
import { toSearchParams } from "@/components/reliability/url-state";

export function useViewStatePush(
  state: Partial<ViewState>,
  {
    fromLocation,
  }: {
    /**
     * Keys that change in the address bar without a navigation (the results table's sorting, grouping and
     * column filters), so `state` from the server is stale for them; read at the moment of the change.
     */
    fromLocation?: () => Partial<ViewState> | null;
  } = {},
) {
  const router = useRouter();
  const pathname = usePathname();
  // In a transition the page stays interactive while the server renders the next one (`pending` = busy).
  const [pending, startTransition] = useTransition();
  const go = (patch: Partial<ViewState>) => {
    const qs = toSearchParams({ ...state, ...(fromLocation?.() ?? {}), ...patch }).toString();
    // scroll: false — a filter change must not throw the reader back to the top of the charts.
    startTransition(() => router.push(qs ? `${pathname}?${qs}` : pathname, { scroll: false }));
  };
  return { go, pending };
}
