import { describe, expect, it } from "vitest";
import { METRICS, METRIC_BETTER } from "@/lib/view-state/filters";
import { parseColor } from "@/lib/charts/contrast";
import { heatmapScale } from "./heatmap-colors";

describe("heatmap colour semantics", () => {
  it("in Δ modes one hue (purple) means better for every metric with a direction", () => {
    const values = [-0.2, -0.05, 0.05, 0.2];
    for (const metric of METRICS) {
      const better = METRIC_BETTER[metric];
      if (better === null) continue;
      const s = heatmapScale(values, true, better);
      expect(`${s.leftLabel}|${s.rightLabel}`).toBe("better|worse");
      for (const v of values) {
        const improves = better === "lower" ? v < 0 : v > 0;
        const [r, , b] = parseColor(s.color(v));
        expect(s.position(v) < 0.5, `${metric} Δ=${v}`).toBe(improves);
        // purple (blue > red) for better, orange (red > blue) for worse
        expect(b > r, `${metric} Δ=${v} colour ${s.color(v)}`).toBe(improves);
      }
    }
  });

  it("absolute values: the better end is at the legend's left", () => {
    const ece = heatmapScale([0.02, 0.3], false, "lower");
    expect(ece.position(0.02)).toBe(0);
    const acc = heatmapScale([0.3, 0.8], false, "higher");
    expect(acc.position(0.8)).toBe(0);
    expect(acc.color(0.8)).toBe(ece.color(0.02));
  });

  it("entropy has no better direction: lower ← → higher", () => {
    const s = heatmapScale([-0.1, 0.1], true, null);
    expect([s.leftLabel, s.rightLabel]).toEqual(["lower", "higher"]);
    expect(s.position(-0.1)).toBe(0);
  });
});
