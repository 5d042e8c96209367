import { describe, expect, it } from "vitest";
import { type CalibrationInput, Rng, topLabelSet } from "../calibration/index";
import { mixedSet } from "../calibration/testing/mixed-set";
import { computeLanguageStats, computeLanguageStatsPart, type LanguageStatsTask, mergeStatsParts, partsPerLanguage, statsParts } from "./stats-compute";

describe("a language's statistics in parts (its resamples spread over threads)", { timeout: 60_000 }, () => {
  const rng = new Rng(3);
  const conf = Array.from({ length: 900 }, () => 0.3 + 0.7 * rng.nextFloat());
  const cases: [string, CalibrationInput][] = [
    ["labelled, ragged option counts", mixedSet(1, 1_500)],
    ["top-label", topLabelSet(conf, conf.map((c) => rng.nextFloat() < c))],
  ];
  it.each(cases)("%s: the parts merged are computeLanguageStats' rows, number for number", (_, input) => {
    const task: LanguageStatsTask = { input, bins: 15, resamples: 23, seed: "7/de" };
    const whole = JSON.stringify(computeLanguageStats(task));
    for (const parts of [1, 2, 3, 7, 23, 40]) {
      const split = statsParts(task, parts);
      expect(split.map((p) => p.to - p.from).reduce((a, b) => a + b)).toBe(23);
      expect(JSON.stringify(mergeStatsParts(task, split.map(computeLanguageStatsPart))), `${parts} parts`).toBe(whole);
    }
  });

  it("without resamples: one part, point metrics only", () => {
    const task: LanguageStatsTask = { input: mixedSet(2, 50), bins: 10, resamples: 0, seed: "s" };
    const split = statsParts(task, 4);
    expect(split).toHaveLength(1);
    expect(JSON.stringify(mergeStatsParts(task, split.map(computeLanguageStatsPart)))).toBe(JSON.stringify(computeLanguageStats(task)));
  });

  it("refuses parts that do not make up the bootstrap", () => {
    const task: LanguageStatsTask = { input: mixedSet(4, 30), bins: 5, resamples: 4, seed: "s" };
    const [first, second] = statsParts(task, 2).map(computeLanguageStatsPart);
    expect(() => mergeStatsParts(task, [first])).toThrow("2 of 4 resamples");
    expect(() => mergeStatsParts(task, [second, first])).toThrow("point metrics");
  });

  it.each([
    [10, 2, 1],
    [1, 2, 2],
    [3, 2, 2],
    [5, 2, 2],
    [2, 4, 2],
    [6, 4, 2],
    [5, 4, 4],
    [16, 4, 1],
    [17, 4, 1],
    [3, 1, 1],
  ])("partsPerLanguage(%i languages, %i threads) = %i", (languages, threads, parts) => {
    expect(partsPerLanguage(languages, threads)).toBe(parts);
  });
});
