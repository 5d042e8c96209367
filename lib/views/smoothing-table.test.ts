import { describe, expect, it } from "vitest";
import type { SmoothingData, SmoothingPoint } from "@/lib/db/queries/smoothing-aggregate";
import { SMOOTHING_COLUMNS, smoothingRows } from "./smoothing-table";

const nulls = { ece: null, rms: null, accuracy: null, entropy: null };
const point = (beta: string, ece: number | null, over: Partial<SmoothingPoint> = {}): SmoothingPoint => ({
  beta, model: "M", runId: null, value: { ...nulls, ece, accuracy: 0.5 }, text: {}, n: 3, test: null, p: {}, ...over,
});

const data: SmoothingData = {
  benchmark: "B",
  betas: ["0.0", "0.1"],
  betaA: "0.0",
  betaB: "0.1",
  headline: [],
  facets: { families: [], sftDatasets: [], languages: [], sources: [] },
  panels: [
    {
      language: "avg",
      label: "Average",
      series: [
        {
          key: "k", source: "published", family: "F", sft: "S", baseModel: "F",
          base: { ...nulls, ece: 0.2 },
          points: [point("0.0", 0.1, { text: { ece: "0.100" } }), point("0.1", 0.30000000000000004, { test: "t-test", p: { ece: 0.04 } })],
        },
      ],
    },
    { language: "sw", label: "Swahili", series: [{ key: "k2", source: "measured", family: "F", sft: "S", baseModel: "F-base", base: nulls, points: [point("0.1", null, { runId: 7 })] }] },
  ],
};

describe("smoothing tidy table", () => {
  const rows = smoothingRows(data);

  it("has one row per panel × configuration × β × metric with a value, the base as beta=base", () => {
    for (const r of rows) expect(Object.keys(r).sort()).toEqual([...SMOOTHING_COLUMNS].sort());
    const ece = rows.filter((r) => r.metric === "ece");
    expect(ece.map((r) => [r.language, r.beta, r.value])).toEqual([
      ["avg", "base", "0.2"],
      ["avg", "0.0", "0.100"], // exact published text wins over the float
      ["avg", "0.1", "0.3"], // float without artefacts
    ]);
    expect(ece[2]).toMatchObject({ test: "t-test", p: "0.04", n: 3, model: "M" });
    expect(ece[0]).toMatchObject({ model: "F", n: null, test: null });
  });

  it("leaves out what the chart does not draw (no value) and keeps run ids of measured points", () => {
    expect(rows.filter((r) => r.metric === "rms")).toHaveLength(0);
    const sw = rows.filter((r) => r.language === "sw");
    expect(sw.map((r) => r.metric)).toEqual(["accuracy"]);
    expect(sw[0]).toMatchObject({ run_id: 7, source: "measured", language_name: "Swahili" });
  });
});
