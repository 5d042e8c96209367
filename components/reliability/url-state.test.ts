import { describe, expect, it } from "vitest";
import {
  parseViewState,
  toSearchParams as schemaToSearchParams,
  viewStateSchema,
} from "@/lib/view-state/filters";
import { toSearchParams, VIEW_DEFAULTS } from "./url-state";

describe("zod-free toSearchParams", () => {
  it("has the schema's defaults for every scalar field", () => {
    const defaults = viewStateSchema.parse({});
    const scalars = Object.fromEntries(
      Object.entries(defaults).filter(([, v]) => !Array.isArray(v) && v !== undefined),
    );
    expect(VIEW_DEFAULTS).toEqual(scalars);
  });

  it("serialises like the schema's toSearchParams, and round-trips through the parser", () => {
    const states = [
      {},
      { benchmark: "MMLU-ProX", languages: ["am", "sw"], models: ["A-b0.1"], bins: 5, smooth: "on" as const },
      {
        sortBy: ["ece:desc", "language:asc"],
        group: ["beta"],
        cf: "model:Synth;ece:0.1..",
        cols: ["source", "ece"],
      },
      { run: 12, bin: 3, binning: "equal-mass" as const, page: 2, betaB: "0.2", bootstrap: "on" as const },
    ];
    for (const s of states) {
      const full = { ...viewStateSchema.parse({}), ...s };
      expect(toSearchParams(full).toString()).toBe(schemaToSearchParams(full).toString());
      expect(parseViewState(Object.fromEntries(toSearchParams(full)), { strict: true })).toEqual(full);
    }
  });
});
