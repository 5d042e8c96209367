import { describe, expect, it } from "vitest";
import { culturalLabel, MAX_SLICE_TEXT_CHARS, readSliceFields, SliceFieldError, SLICE_KEYS, sliceText } from "./fields";
import { MIN_SLICE_N, parseSlice, questionSliceKeys, sliceKey, sliceLabel, sliceRefusal } from "./slice";

describe("slice encoding", () => {
  it("parses all / CS / CA / category:<name> and round-trips", () => {
    for (const key of ["all", "CS", "CA", "category:STEM", "category:Social Sciences"]) expect(sliceKey(parseSlice(key)!)).toBe(key);
    expect(parseSlice("category:Humanities")).toEqual({ kind: "category", category: "Humanities" });
  });
  it("refuses anything else", () => {
    for (const bad of ["", "cs", "ALL", "category:", "category: STEM", "STEM", "CS,CA"]) expect(parseSlice(bad)).toBeNull();
  });
  it("puts a question in its cultural slice and its category slice, unknown in neither", () => {
    expect(questionSliceKeys({ subjectCategory: "STEM", culturalLabel: "CS" })).toEqual(["CS", "category:STEM"]);
    expect(questionSliceKeys({ subjectCategory: null, culturalLabel: "CA" })).toEqual(["CA"]);
    expect(questionSliceKeys({ subjectCategory: null, culturalLabel: null })).toEqual([]);
  });
  it("refuses a slice below MIN_SLICE_N with its n and the minimum; never refuses all", () => {
    expect(sliceRefusal("CS", MIN_SLICE_N)).toBeNull();
    expect(sliceRefusal("CS", MIN_SLICE_N - 1)).toBe(
      `culturally sensitive (CS): n = ${MIN_SLICE_N - 1} is below the minimum of ${MIN_SLICE_N} questions for a slice — not drawn`,
    );
    expect(sliceRefusal("all", 3)).toBeNull();
    expect(sliceLabel("category:STEM")).toBe("category STEM");
  });
});

describe("slice fields", () => {
  it("maps cultural_sensitivity_label: CS / CA in any case, everything else unknown", () => {
    expect([" cs ", "CA", "-", "", "UNK", null, undefined, 1].map(culturalLabel)).toEqual(["CS", "CA", null, null, null, null, null, null]);
    expect(() => culturalLabel(["CS"])).toThrow(SliceFieldError);
  });
  it("keeps category and src trimmed, refuses control characters, NUL, lone surrogates and over-long text", () => {
    expect(sliceText("  Social Sciences ")).toBe("Social Sciences");
    expect(sliceText("   ")).toBeNull();
    expect(sliceText(7)).toBe("7");
    expect(() => sliceText("a\nb")).toThrow(/control character/);
    expect(() => sliceText("a\u0000")).toThrow(/NUL/);
    expect(() => sliceText("\ud800")).toThrow(/surrogate/);
    expect(() => sliceText("x".repeat(MAX_SLICE_TEXT_CHARS + 1))).toThrow(`at most ${MAX_SLICE_TEXT_CHARS}`);
    expect(sliceText("x".repeat(MAX_SLICE_TEXT_CHARS))).toHaveLength(MAX_SLICE_TEXT_CHARS);
    expect(() => sliceText({})).toThrow(/expected text/);
  });
  it("reads GlobalMMLU and MMLU-ProX keys and names the key that failed", () => {
    const gm = { subject_category: "STEM", cultural_sensitivity_label: "CS" };
    expect(readSliceFields((k) => gm[k as keyof typeof gm], SLICE_KEYS)).toEqual({ subjectCategory: "STEM", culturalLabel: "CS", src: null });
    const px = { category: "math", src: "ori_mmlu-high_school_mathematics" };
    expect(readSliceFields((k) => px[k as keyof typeof px], SLICE_KEYS)).toEqual({ subjectCategory: "math", culturalLabel: null, src: "ori_mmlu-high_school_mathematics" });
    try {
      readSliceFields((k) => (k === "src" ? "a\tb" : undefined), SLICE_KEYS);
      expect.unreachable();
    } catch (e) {
      expect((e as SliceFieldError).field).toBe("src");
    }
  });
});
