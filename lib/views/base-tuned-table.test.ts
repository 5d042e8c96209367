import { describe, expect, it } from "vitest";
import type { BaseTunedPair } from "@/lib/db/queries/base-tuned";
import { tableCsv } from "@/lib/view-state/data-out";
import { BASE_TUNED_COLUMNS, BASE_TUNED_METRICS, baseTunedCsvRows, baseTunedRows, pairKey, type TestResult } from "./base-tuned-table";

const pair = (tuned: string, language: string, runB: number): BaseTunedPair => ({
  language,
  languageName: language,
  family: "F",
  base: "F-base",
  tuned,
  tunedLabel: tuned,
  runA: 1,
  runB,
  nA: 100,
  nB: 100,
});
const tested = (ece: number, accuracy = 0.5): TestResult => ({
  n: 100,
  metrics: {
    ece: { difference: 0.01, interval: [-0.01, 0.03], p: ece },
    accuracy: { difference: -0.02, interval: [-0.05, 0.01], p: accuracy },
  },
});

describe("base → tuned table with Holm across languages", () => {
  // Tuned model A in three languages, B in one. A's ECE p: de 0.01, sw 0.04, ar 0.02 (m = 3):
  // sorted 0.01, 0.02, 0.04 → 3·0.01 = 0.03, 2·0.02 = 0.04, max(0.04, 1·0.04) = 0.04.
  const pairs = [pair("A", "de", 2), pair("A", "sw", 2), pair("A", "ar", 2), pair("B", "de", 3)];
  const all: Record<string, TestResult> = {
    [pairKey(pairs[0])]: tested(0.01),
    [pairKey(pairs[1])]: tested(0.04),
    [pairKey(pairs[2])]: tested(0.02),
    [pairKey(pairs[3])]: tested(0.3),
  };

  it("tests ECE, accuracy and entropy (the equal-width bootstrap's metrics)", () => {
    expect(BASE_TUNED_METRICS).toEqual(["ece", "accuracy", "entropy"]);
  });

  it("adjusts per tuned model and metric (hand-computed), keeping the raw p", () => {
    const rows = baseTunedRows(pairs, all);
    expect(rows.map((r) => r.family)).toEqual([3, 3, 3, 1]);
    expect(rows.map((r) => r.metrics.ece?.p)).toEqual([0.01, 0.04, 0.02, 0.3]);
    const holm = rows.map((r) => r.metrics.ece?.pHolm);
    [0.03, 0.04, 0.04, 0.3].forEach((v, i) => expect(holm[i]).toBeCloseTo(v, 15));
    // Accuracy p = 0.5 in all three languages of A: 3·0.5 capped at 1.
    expect(rows.map((r) => r.metrics.accuracy?.pHolm)).toEqual([1, 1, 1, 0.5]);
    expect(rows[0].metrics.entropy).toBeUndefined();
  });

  it("leaves the adjusted p pending until every language of the pair is tested", () => {
    const some = { [pairKey(pairs[0])]: all[pairKey(pairs[0])], [pairKey(pairs[3])]: all[pairKey(pairs[3])], [pairKey(pairs[1])]: "running" as const };
    const rows = baseTunedRows(pairs, some);
    expect(rows[0].metrics.ece).toMatchObject({ p: 0.01, pHolm: null });
    expect(rows[0].tested).toBe(1);
    expect(rows[1].metrics.ece).toBeUndefined();
    expect(rows[3].metrics.ece?.pHolm).toBe(0.3);
  });

  it("exports raw and adjusted p per metric", () => {
    const csv = tableCsv(BASE_TUNED_COLUMNS, baseTunedCsvRows(baseTunedRows(pairs, all)));
    const [head, first] = csv.trim().split("\n").map((l) => l.split(","));
    const row = Object.fromEntries(head.map((h, i) => [h, first[i]]));
    expect(row).toMatchObject({ language: "de", tuned: "A", holm_family: "3", ece_p_raw: "0.01", ece_p_holm: "0.03", accuracy_p_holm: "1", entropy_p_raw: "" });
  });
});
