import * as d3 from "d3";
import { describe, expect, it } from "vitest";
import { contrastRatio, parseColor, textOn } from "./contrast";

describe("contrast", () => {
  it("matches the WCAG reference values", () => {
    expect(contrastRatio("#000", "#fff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(parseColor("rgb(45, 0, 75)")).toEqual([45, 0, 75]);
  });

  it("text on every colour of the heatmap scales reaches 4.5:1", () => {
    for (const interp of [d3.interpolateViridis, d3.interpolatePuOr, d3.interpolateBrBG])
      for (let t = 0; t <= 1.0001; t += 0.01) {
        const fill = d3.rgb(interp(t)).formatHex();
        expect(contrastRatio(fill, textOn(fill))).toBeGreaterThanOrEqual(4.5);
      }
  });
});
