import { describe, expect, it } from "vitest";
import { betaCell, configLabel, configShortLabel, passesBetaFilter } from "./config";

describe("model configuration labels and β filter", () => {
  it("labels a tuned model without β by its SFT dataset, never 'β='", () => {
    const chat = { model: "Yi-6B-Chat", sftDataset: "chat", smoothing: null };
    expect(configLabel(chat)).toBe("Yi-6B-Chat · chat");
    expect(configLabel(chat)).not.toContain("β");
    expect(configShortLabel({ sftDataset: null, smoothing: null })).toBe("base");
    expect(configLabel({ model: "M", sftDataset: "OpenHermes", smoothing: 0 })).toBe("M · OpenHermes β=0.0");
    expect(configLabel({ model: "M", sftDataset: "OpenHermes", smoothing: 0.25 })).toBe("M · OpenHermes β=0.25");
    expect(betaCell("chat", null)).toBe("—");
    expect(betaCell(null, null)).toBe("base");
  });

  it("a β filter (base included) never selects a model with no β recorded", () => {
    expect(passesBetaFilter(["base"], "chat", null)).toBe(false);
    expect(passesBetaFilter(["0.0", "0.1"], "chat", null)).toBe(false);
    expect(passesBetaFilter([], "chat", null)).toBe(true);
    expect(passesBetaFilter(["base"], null, null)).toBe(true);
    expect(passesBetaFilter(["0.1"], "OpenHermes", 0.1)).toBe(true);
    expect(passesBetaFilter(["base"], "OpenHermes", 0)).toBe(false);
  });
});
