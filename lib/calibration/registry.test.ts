import { describe, expect, it } from "vitest";
import {
  binningText,
  deltaLabel,
  isBetter,
  METRIC_KEYS,
  METRIC_NAMES,
  METRIC_SPECS,
  metricSpec,
  PAPER_METRICS,
  PER_BINNING_NAMES,
  PUBLISHED_METRICS,
  reportedUnder,
  RESULT_COLUMNS,
  RESULT_METRICS,
  ROW_MEAN_NAMES,
  titleWithBins,
} from "./registry";
import { labelledSet } from "./input";
import { MetricEngine, metricValue } from "./engine";
import { AVERAGED_METRICS } from "./averages";
import { METRIC_BETTER, METRIC_LABELS, METRICS, viewStateSchema } from "../view-state/filters";
import { parsePublishedCsv } from "../published/parse";

describe("metric registry", () => {
  it("has unique keys and stat names; they differ only for entropy (stored in bits)", () => {
    expect(new Set(METRIC_KEYS).size).toBe(METRIC_SPECS.length);
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_SPECS.length);
    expect(METRIC_SPECS.filter((s) => s.key !== s.stat).map((s) => [s.key, s.stat])).toEqual([["entropy", "entropyBits"]]);
  });

  it("is consistent: binned metrics have a binning, per-binning ones are binned, gold implies probabilities", () => {
    for (const s of METRIC_SPECS) {
      expect(s.binned, s.key).toBe(s.binning !== null);
      if (s.perBinning) expect(s.binned, s.key).toBe(true);
      if (s.needsGold) expect(s.needsProbabilities, s.key).toBe(true);
      expect(s.score === "binned", s.key).toBe(s.binned);
    }
  });

  it("lists the paper's metrics exactly once, in the views' order", () => {
    expect([...PAPER_METRICS].sort()).toEqual([...PUBLISHED_METRICS].sort());
    expect(PUBLISHED_METRICS).toEqual(["accuracy", "entropy", "ece", "rms"]);
  });

  it("keeps the results columns (URL `cols`, CSV headers) and their titles", () => {
    expect(RESULT_METRICS).toEqual([
      "accuracy", "confidence", "overconfidence", "entropy", "ece", "rms", "mce", "smece", "sce", "ace", "brier", "nll",
      "ece_em", "rms_ew", "mce_em",
    ]);
    const title = Object.fromEntries(RESULT_COLUMNS.map((c) => [c.key, c.title]));
    expect(title).toMatchObject({
      ece: "ECE (eq-width)", rms: "RMS (eq-mass)", mce: "MCE (eq-width)", ece_em: "ECE (eq-mass)", rms_ew: "RMS (eq-width)",
      mce_em: "MCE (eq-mass)", entropy: "Entropy (bits)", smece: "smECE", sce: "SCE", brier: "Brier",
    });
    expect(Object.fromEntries(RESULT_COLUMNS.map((c) => [c.key, c.row]))).toMatchObject({
      ece: "equal-width", rms: "equal-mass", rms_ew: "equal-width", ece_em: "equal-mass", ace: "equal-width", accuracy: "equal-width",
    });
  });

  it("says which metrics need gold labels and which are binned", () => {
    expect(METRIC_SPECS.filter((s) => s.needsGold).map((s) => s.key)).toEqual(["sce", "ace", "brier", "nll"]);
    expect(METRIC_SPECS.filter((s) => s.binned).map((s) => [s.key, s.binning])).toEqual([
      ["ece", "equal-width"], ["rms", "equal-mass"], ["mce", "equal-width"], ["sce", "equal-width"], ["ace", "equal-mass"],
    ]);
    expect(metricSpec("accuracy").better).toBe("higher");
    expect(metricSpec("entropy").better).toBeNull();
    expect(metricSpec("entropy").upper).toBeNull();
  });

  it("words captions, titles and deltas from the spec", () => {
    expect(binningText("ece", 15)).toBe("ECE over 15 equal-width bins");
    expect(binningText("rms", 15)).toBe("RMS calibration error over 15 equal-mass bins");
    expect(binningText("accuracy", 15)).toBe("accuracy, no binning");
    expect(titleWithBins("ece", 15)).toBe("ECE (15 equal-width bins)");
    expect(titleWithBins("entropy", 15)).toBe("Entropy (bits)");
    expect(deltaLabel("entropy")).toBe("Δ entropy (bits)");
    expect(reportedUnder(PAPER_METRICS, "equal-width")).toEqual(["ece", "accuracy", "entropy"]);
    expect(isBetter("ece", 0.1, 0.2)).toBe(true);
    expect(isBetter("accuracy", 0.1, 0.2)).toBe(false);
    expect(isBetter("entropy", 0.1, 0.2)).toBe(false);
    expect(isBetter("ece", 0.1, 0.1)).toBe(false);
  });
});

describe("consumers derive from the registry", () => {
  it("the engine computes every registered metric (labelled input: all present)", () => {
    const set = labelledSet([[0.7, 0.2, 0.1], [0.3, 0.6, 0.1], [0.5, 0.25, 0.25], [0.2, 0.2, 0.6]], [0, 0, 2, 2]);
    const s = new MetricEngine(set, 2).scalars(["equal-width", "equal-mass"]);
    for (const name of METRIC_NAMES) expect(typeof metricValue(s, name, "equal-mass"), name).toBe("number");
    expect(metricValue(s, "rms", "equal-mass")).toBe(s.binned["equal-mass"]!.rms);
  });

  it("view-state's metric enum, labels and directions are the registry's", () => {
    expect(METRICS).toBe(PAPER_METRICS);
    expect(viewStateSchema.shape.metric.unwrap().options).toEqual([...PAPER_METRICS]);
    expect(() => viewStateSchema.parse({ metric: "mce" })).toThrow();
    for (const m of METRICS) {
      expect(METRIC_LABELS[m]).toBe(metricSpec(m).label);
      expect(METRIC_BETTER[m]).toBe(metricSpec(m).better);
    }
  });

  it("averages pool the row means and per-binning errors", () => {
    expect(AVERAGED_METRICS).toEqual([...ROW_MEAN_NAMES, ...PER_BINNING_NAMES]);
    expect(AVERAGED_METRICS).toEqual(["accuracy", "confidence", "entropyBits", "brier", "nll", "ece", "rms", "mce"]);
  });

  it("the published-CSV parser requires every published metric and bounds each by its upper limit", () => {
    const head = "benchmark,language,model,sft_dataset,smoothing,accuracy,entropy,ece,rms";
    expect(parsePublishedCsv(`${head}\nB,de,M,,,0.5,3.2,0.1,0.2\n`, "f.csv")[0]).toMatchObject({ entropy: "3.2", rms: "0.2" });
    expect(() => parsePublishedCsv(`${head}\nB,de,M,,,0.5,3.2,1.1,0.2\n`, "f.csv")).toThrow(/out of range/);
    expect(() => parsePublishedCsv("benchmark,language,model,sft_dataset,smoothing,accuracy,entropy,ece\nB,de,M,,,1,1,1\n", "f.csv")).toThrow(/missing column "rms"/);
  });
});
