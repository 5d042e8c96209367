import { describe, expect, it } from "vitest";
import { cleanFloat, decimalDifference, f3, fixed, formatBeta, formatValue, sig6, signed3, significant } from "./format";

describe("format", () => {
  it("published Δ in decimal: no float artefacts", () => {
    expect(0.152 - 0.13).not.toBe(0.022);
    expect(decimalDifference("0.152", "0.130")).toBe("0.022");
    expect(decimalDifference("0.13", "0.152")).toBe("-0.022");
    expect(decimalDifference("1", "0.25")).toBe("0.75");
    expect(decimalDifference("0.5", "0.5")).toBe("0");
    expect(decimalDifference("1e-7", "0")).toBe("1e-7");
  });
  it("formats", () => {
    expect(cleanFloat(0.1 + 0.2)).toBe("0.3");
    expect(formatValue(0.0004, { delta: true })).toBe("0.000");
    expect(formatValue(-0.0004, { delta: true })).toBe("0.000");
    expect(formatValue(0.0226, { delta: true })).toBe("+0.023");
    expect(formatValue(0.5)).toBe("0.500");
  });

  it("fixed decimals with a dash for missing values", () => {
    expect(f3(0.07149)).toBe("0.071");
    expect(f3(0.0715)).toBe((0.0715).toFixed(3));
    expect(f3(null)).toBe("—");
    expect(f3(undefined)).toBe("—");
    expect(fixed(0.123456, 4)).toBe("0.1235");
    expect(fixed(null, 4)).toBe("—");
    expect(fixed(2)).toBe("2.000");
  });
  it("signed Δ with typographic minus", () => {
    expect(signed3(0.0123)).toBe("+0.012");
    expect(signed3(-0.0123)).toBe("−0.012");
    expect(signed3(0)).toBe("±0.000");
  });
  it("significant digits as numbers (interval bounds)", () => {
    expect(sig6(0.123456789)).toBe(0.123457);
    expect(sig6(123456.789)).toBe(123457);
    expect(sig6(null)).toBeNull();
    expect(sig6(undefined)).toBeNull();
    expect(significant(0.98765, 2)).toBe(0.99);
  });
  it("β as the views print it", () => {
    expect(formatBeta(0)).toBe("0.0");
    expect(formatBeta(1)).toBe("1.0");
    expect(formatBeta(0.1)).toBe("0.1");
    expect(formatBeta(0.25)).toBe("0.25");
    expect(formatBeta(null)).toBe("");
  });
});
