/**
 * Real data: Plaut et al. (2024) per-question outputs (ARC-Challenge, 2,590 questions per file), top-label
 * only (the gold index is not stored). /work/shared/data/README.md (copied to data/plaut2024/README.md)
 * prints accuracy, mean renormalised confidence and 15-bin equal-width ECE per file; we must reproduce
 * them to the printed 3 decimals.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { computeMetrics, topLabelSet } from "./index";

const candidates = ["../../data/plaut2024/", "../../../shared/data/plaut2024/"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
const dir = candidates.find((d) => existsSync(`${d}arc__Mistral__chat.txt`));

const EXPECTED: [file: string, accuracy: number, confidence: number, ece: number][] = [
  ["arc__Llama3.1-8b__base.txt", 0.495, 0.519, 0.073],
  ["arc__Llama3.1-8b__chat.txt", 0.768, 0.815, 0.046],
  ["arc__Mistral__base.txt", 0.619, 0.469, 0.15],
  ["arc__Mistral__chat.txt", 0.703, 0.98, 0.278],
  ["arc__Yi-6b__base.txt", 0.416, 0.597, 0.195],
  ["arc__Yi-6b__chat.txt", 0.674, 0.829, 0.155],
];

/** `Correct|Wrong p_A,p_B,…` lines after a header; probabilities renormalised over the options. */
function load(file: string) {
  const lines = readFileSync(`${dir}${file}`, "utf8").trim().split("\n");
  expect(lines[0]).toBe("grade confidence_levels");
  const conf: number[] = [];
  const correct: boolean[] = [];
  const rows: number[][] = [];
  for (const line of lines.slice(1)) {
    const [grade, list] = line.split(" ");
    const p = list.split(",").map(Number);
    const s = p.reduce((a, b) => a + b, 0);
    const q = p.map((x) => x / s);
    rows.push(q);
    conf.push(Math.max(...q));
    correct.push(grade === "Correct");
  }
  return topLabelSet(conf, correct, rows);
}

describe.skipIf(!dir)("Plaut et al. 2024 files reproduce the README table", () => {
  it.each(EXPECTED)("%s", (file, accuracy, confidence, ece) => {
    const set = load(file);
    expect(set.n).toBe(2590);
    const m = computeMetrics(set, { bins: 15, binning: "equal-width" });
    expect(m.accuracy.toFixed(3)).toBe(accuracy.toFixed(3));
    expect(m.confidence.toFixed(3)).toBe(confidence.toFixed(3));
    expect(m.ece.toFixed(3)).toBe(ece.toFixed(3));
    expect(m.sce).toBeNull();
    expect(m.brier).toBeNull();
    expect(m.entropyBits).not.toBeNull();
  });
});
