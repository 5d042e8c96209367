import { describe, expect, it } from "vitest";
import { MAX_INT4, parseId } from "./ids";
import { MAX_LIST_CHARS, MAX_LIST_ITEMS, parseViewState } from "./view-state/filters";

describe("ids and list parameters from URLs", () => {
  it("accepts positive int4 ids only", () => {
    expect(parseId("1")).toBe(1);
    expect(parseId(String(MAX_INT4))).toBe(MAX_INT4);
    for (const bad of [String(MAX_INT4 + 1), "99999999999999999999", "0", "-1", "01", "1e3", " 1", "1.0", ""])
      expect(parseId(bad), bad).toBeNull();
  });

  it("refuses query ids beyond int4 as invalid parameters (400), not database errors", () => {
    expect(parseViewState({ run: String(MAX_INT4) }, { strict: true }).run).toBe(MAX_INT4);
    for (const k of ["run", "bin", "page"]) {
      expect(() => parseViewState({ [k]: "2147483648" }, { strict: true })).toThrow(new RegExp(`field "${k}"`));
      expect(() => parseViewState({ [k]: "1e300" }, { strict: true })).toThrow(/invalid value/);
    }
    expect(parseViewState({ run: "2147483648" }, { strict: false }).run).toBeUndefined();
  });

  it("caps list parameters in length, entry length and count", () => {
    expect(parseViewState({ models: "a,b" }, { strict: true }).models).toEqual(["a", "b"]);
    expect(() => parseViewState({ models: "x".repeat(MAX_LIST_CHARS + 1) }, { strict: true })).toThrow(/field "models"/);
    expect(() => parseViewState({ languages: Array(MAX_LIST_ITEMS + 1).fill("de").join(",") }, { strict: true })).toThrow(
      /field "languages"/,
    );
    expect(() => parseViewState({ family: "y".repeat(201) }, { strict: true })).toThrow(/field "family"/);
    expect(parseViewState({ models: "x".repeat(MAX_LIST_CHARS + 1) }, { strict: false }).models).toEqual([]);
  });
});
