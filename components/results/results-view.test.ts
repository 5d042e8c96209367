import { describe, expect, it } from "vitest";
import type { ResultsData } from "@/lib/db/queries/results-columns";
import {
  sharedValue,
  formatExpanded,
  parseExpanded,
  decodeResults,
  encodeResults,
  formatColumnFilters,
  formatSortBy,
  matchRange,
  matchText,
  parseColumnFilters,
  parseSortBy,
} from "./results-view";

describe("results table helpers", () => {
  it("expanded group rows round-trip through the URL, commas and '>' in values included", () => {
    const expanded = { "beta:0.1": true, "model:A,B>language:sw": true, "beta:base": false };
    const open = formatExpanded(expanded);
    expect(open).toBe("beta%3A0.1,model%3AA%2CB%3Elanguage%3Asw");
    expect(parseExpanded(open)).toEqual({ "beta:0.1": true, "model:A,B>language:sw": true });
    expect(formatExpanded(true)).toBe("*");
    expect(parseExpanded("*")).toBe(true);
    expect(parseExpanded("")).toEqual({});
    expect(parseExpanded("%E0%A4,beta%3A0")).toEqual({ "beta:0": true }); // a broken escape is skipped
  });

  it("sortBy and cf round-trip", () => {
    const sort = [
      { id: "ece", desc: true },
      { id: "language", desc: false },
    ];
    expect(parseSortBy(formatSortBy(sort))).toEqual(sort);
    const cf = [
      { id: "model", value: "Synth|Gemma" },
      { id: "ece", value: "0.05..0.1" },
      { id: "note", value: "a:b" },
    ];
    expect(parseColumnFilters(formatColumnFilters(cf))).toEqual(cf);
  });

  it("text and range filters", () => {
    expect(matchText("Gemma2-2B", "gemma")).toBe(true);
    expect(matchText("Gemma2-2B", "=gemma2-2b")).toBe(true);
    expect(matchText("Gemma2-2B", "=gemma")).toBe(false);
    expect(matchText("sw", "am|sw")).toBe(true);
    expect(matchRange(0.07, "0.05..0.1")).toBe(true);
    expect(matchRange(0.12, "0.05..0.1")).toBe(false);
    expect(matchRange(0.12, "0.1..")).toBe(true);
    expect(matchRange(0.12, "<0.1")).toBe(false);
    expect(matchRange(null, "0..1")).toBe(false);
  });

  it("the wire encoding is lossless", () => {
    const d: ResultsData = {
      count: 4,
      columns: ["source", "language", "model", "ece"],
      cat: {
        source: ["measured", "measured", "published", "published"],
        benchmark: ["G", "G", "G", "G"],
        language: ["am", "sw", "am", "avg"],
        languageName: [],
        resourceClass: [],
        family: [],
        model: ["m1", "m1", "F", "F"],
        sft: [null, null, null, "Alpaca"],
        beta: ["base", "base", "base", "0.1"],
        n: [],
        runId: [1, 1, null, null],
      },
      val: { ece: [0.1234567890123456, 0.2, 0.07, 0.071] },
      text: { ece: [null, null, "0.070", "0.071"] },
      lo: { ece: [0.1, 0.15, null, null] },
      hi: { ece: [0.15, 0.25, null, null] },
    };
    expect(decodeResults(JSON.parse(JSON.stringify(encodeResults(d))))).toEqual({
      ...d,
      cat: Object.fromEntries(Object.entries(d.cat).filter(([, v]) => v.length)),
    });
  });
});

describe("sharedValue (group rows)", () => {
  it("shows a value only when every row of the group has it", () => {
    expect(sharedValue(["measured", "measured"])).toEqual({ value: "measured", mixed: false });
    expect(sharedValue(["published", "measured"])).toEqual({ value: undefined, mixed: true });
    expect(sharedValue([])).toEqual({ value: undefined, mixed: false });
  });
});
