import { describe, expect, it } from "vitest";
import { checkLink } from "./link-check";

describe("checkLink", () => {
  it("flags invalid view parameters and question ids, passes the rest", () => {
    expect(checkLink("/", new URLSearchParams("metric=bogus"))?.message).toContain('field "metric"');
    expect(checkLink("/smoothing", new URLSearchParams("beta=2"))?.resetHref).toBe("/smoothing");
    expect(checkLink("/questions/abc", new URLSearchParams())?.message).toContain('field "id"');
    expect(checkLink("/questions/879", new URLSearchParams())).toBeNull();
    // ids are int4 (lib/ids.ts): a larger number is an invalid link, not a query that fails.
    expect(checkLink("/questions/2147483648", new URLSearchParams())?.message).toContain("field \"id\"");
    expect(checkLink("/questions/2147483647", new URLSearchParams())).toBeNull();
    expect(checkLink("/", new URLSearchParams("metric=rms&family=A,B"))).toBeNull();
    expect(checkLink("/api/runs", new URLSearchParams("metric=bogus"))).toBeNull();
  });
});
