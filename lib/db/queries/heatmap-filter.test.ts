import { describe, expect, it } from "vitest";
import { compareColumns, filterHeatmap, type HeatmapData } from "./heatmap";

const col = (family: string, sft: string | null, smoothing: number | null, baseKey: string | null) => ({
  key: `published:${family}|${sft ?? ""}|${smoothing ?? ""}`,
  source: "published" as const,
  family,
  model: family,
  sftDataset: sft,
  smoothing,
  baseKey,
});
const base = col("A", null, null, null);
const tuned = col("A", "Alpaca", 0.1, base.key);
const other = col("B", null, null, null);
const data: HeatmapData = {
  benchmark: "GlobalMMLU",
  metric: "ece",
  languages: [
    { code: "am", name: "Amharic", script: "Ethiopic", resourceClass: 2 },
    { code: "sw", name: "Swahili", script: "Latin", resourceClass: 2 },
  ],
  columns: [base, tuned, other],
  values: { [base.key]: { am: "0.1" }, [tuned.key]: { am: "0.2" }, [other.key]: { sw: "0.3" } },
  runs: {},
  counts: {},
};

describe("filterHeatmap", () => {
  it("keeps the chosen columns, the base values their Δ needs, and only languages with a value", () => {
    const f = filterHeatmap(data, { families: ["A"], betas: ["0.1"] });
    expect(f.columns.map((c) => c.key)).toEqual([tuned.key]);
    expect(Object.keys(f.values).sort()).toEqual([base.key, tuned.key].sort());
    expect(f.languages.map((l) => l.code)).toEqual(["am"]);
  });

  it("no filter keeps everything", () => {
    const f = filterHeatmap(data, {});
    expect(f.columns).toHaveLength(3);
    expect(f.languages).toHaveLength(2);
  });

  it("?beta=base keeps base models and leaves out tuned models with no β recorded", () => {
    const chat = col("A", "chat", null, base.key);
    const d = { ...data, columns: [base, chat, tuned], values: { ...data.values, [chat.key]: { am: "0.4" } } };
    expect(filterHeatmap(d, { betas: ["base"] }).columns.map((c) => c.key)).toEqual([base.key]);
    expect(filterHeatmap(d, { betas: ["0.1"] }).columns.map((c) => c.key)).toEqual([tuned.key]);
    expect(filterHeatmap(d, {}).columns).toHaveLength(3);
  });

  it("orders columns per family: base, no β, SFT × β; measured right after the published twin", () => {
    const c = (source: "published" | "measured", sft: string | null, smoothing: number | null, model = "A") => ({ source, family: "A", model, sftDataset: sft, smoothing });
    const cols = [c("measured", "Alpaca", 0.1, "A-m"), c("published", "Alpaca", 0.1), c("measured", null, null, "A-m"), c("published", "chat", null), c("published", null, null), c("published", "Alpaca", 0)];
    expect(cols.sort(compareColumns).map((x) => `${x.source[0]}:${x.sftDataset ?? "base"}:${x.smoothing ?? ""}`)).toEqual([
      "p:base:", "m:base:", "p:chat:", "p:Alpaca:0", "p:Alpaca:0.1", "m:Alpaca:0.1",
    ]);
  });
});
