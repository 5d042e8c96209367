/** Base → tuned shift counts on a hand-made set. */
import { describe, expect, it } from "vitest";
import { shiftCounts, shiftKind } from "./shifts";

describe("shiftCounts", () => {
  it("counts flips and confident-and-wrong gained / lost", () => {
    const rows = [
      { baseConfidence: 0.6, baseCorrect: true, tunedConfidence: 0.95, tunedCorrect: false }, // right→wrong, CW gained
      { baseConfidence: 0.92, baseCorrect: false, tunedConfidence: 0.7, tunedCorrect: true }, // wrong→right, CW lost
      { baseConfidence: 0.91, baseCorrect: false, tunedConfidence: 0.99, tunedCorrect: false }, // stays wrong, CW both
      { baseConfidence: 0.5, baseCorrect: true, tunedConfidence: 0.9, tunedCorrect: true }, // stays right
    ];
    const c = shiftCounts(rows);
    expect(c).toMatchObject({ n: 4, rightToWrong: 1, wrongToRight: 1, staysRight: 1, staysWrong: 1 });
    expect(c).toMatchObject({ confidentWrongBase: 2, confidentWrongTuned: 2, confidentWrongGained: 1, confidentWrongLost: 1 });
    expect(c.accuracyBase).toBe(0.5);
    expect(c.accuracyTuned).toBe(0.5);
    expect(c.confidenceBase).toBeCloseTo((0.6 + 0.92 + 0.91 + 0.5) / 4, 14);
    expect(c.confidenceTuned).toBeCloseTo((0.95 + 0.7 + 0.99 + 0.9) / 4, 14);
    // a higher threshold: only 0.95 and 0.99 tuned count, no base one
    expect(shiftCounts(rows, 0.95)).toMatchObject({ confidentWrongBase: 0, confidentWrongTuned: 2, confidentWrongGained: 2, confidentWrongLost: 0 });
    expect(shiftKind(false, false)).toBe("stays-wrong");
    expect(shiftCounts([]).n).toBe(0);
  });
});
