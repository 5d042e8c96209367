import { describe, expect, it } from "vitest";
import { cleanFloat, decimalDifference, formatValue } from "./numbers";

describe("numbers", () => {
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
});
