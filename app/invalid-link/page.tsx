/** What proxy.ts shows (with HTTP 400) for an invalid page link: the pages' own "Invalid link" panel. */
import { ErrorPanel } from "@/components/ui/ErrorPanel";
import type { SearchParams } from "@/lib/view-state/filters";

export const dynamic = "force-dynamic";

export default async function InvalidLinkPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const reset = one(sp.reset) ?? "/";
  // Only local paths: the reset link must not become an open redirect.
  return <ErrorPanel message={one(sp.message) ?? "invalid link"} resetHref={/^\/[a-z]*$/.test(reset) ? reset : "/"} />;
}
