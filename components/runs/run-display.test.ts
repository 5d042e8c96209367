import { describe, expect, it } from "vitest";
import { meanRate, methodNote } from "./run-display";

describe("run display", () => {
  it("rate is the mean since start", () => {
    expect(meanRate(30, 20)).toBe(1.5);
    expect(meanRate(0, 20)).toBeNull();
    expect(meanRate(5, null)).toBeNull();
  });
  it("explains a renormalised method with renormalize: false", () => {
    expect(methodNote("vocab-softmax-renormalised", { renormalize: false })).toContain("by the file format");
    expect(methodNote("letter", { renormalize: false })).toBeNull();
  });
});
