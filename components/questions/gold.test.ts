import { describe, expect, it } from "vitest";
import { goldOf } from "./gold";

describe("goldOf", () => {
  it("keeps a stored gold, infers it from a correct prediction, or leaves it unknown", () => {
    expect(goldOf(2, [])).toEqual({ gold: 2, inferredFrom: null });
    const ps = [
      { model: "A", predicted: 1, correct: false },
      { model: "B", predicted: 3, correct: true },
    ];
    expect(goldOf(null, ps)).toEqual({ gold: 3, inferredFrom: "B" });
    expect(goldOf(null, [ps[0]])).toEqual({ gold: null, inferredFrom: null });
    expect(goldOf(null, [ps[1], { model: "C", predicted: 0, correct: true }]).gold).toBeNull();
  });
});
