import { describe, expect, it } from "vitest";
import { parseViewState } from "./filters";
import { hasReliabilitySelection, reliabilityDefaultHref, RELIABILITY_SELECTION_PARAMS, withReliabilityChoice } from "./reliability-default";

describe("the /reliability default redirect", () => {
  it("only a URL without any selection parameter is redirected", () => {
    expect(hasReliabilitySelection({})).toBe(false);
    expect(hasReliabilitySelection({ binning: "equal-mass", smooth: "on" })).toBe(false);
    for (const k of RELIABILITY_SELECTION_PARAMS) expect(hasReliabilitySelection({ [k]: "x" })).toBe(true);
  });

  it("names the benchmark, the base and its variants, and keeps the display parameters", () => {
    const href = reliabilityDefaultHref(
      { binning: "equal-mass", smooth: "on" },
      { benchmark: "ARC-Challenge", base: "Yi-6B", variants: ["Yi-6B-Chat"] },
    );
    const url = new URL(href, "http://x");
    expect(url.pathname).toBe("/reliability");
    const state = parseViewState(Object.fromEntries(url.searchParams), { strict: true });
    expect(state.benchmark).toBe("ARC-Challenge");
    expect(state.models).toEqual(["Yi-6B", "Yi-6B-Chat"]);
    expect(state.binning).toBe("equal-mass");
    expect(state.smooth).toBe("on");
  });

  it("the data twins' parameters name the same comparison and keep paging and format", () => {
    const sp = withReliabilityChoice(
      { format: ["csv"], limit: ["10"], bins: ["5"] },
      { benchmark: "ARC-Challenge", base: "Yi-6B", variants: ["Yi-6B-Chat", "Yi-6B-Alpaca"] },
    );
    expect(sp).toEqual({ format: ["csv"], limit: ["10"], bins: ["5"], benchmark: "ARC-Challenge", models: "Yi-6B,Yi-6B-Chat,Yi-6B-Alpaca" });
    expect(hasReliabilitySelection(sp)).toBe(true);
  });
});
