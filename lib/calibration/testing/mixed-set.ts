/**
 * A labelled set for tests of the resampling engines: mixed option counts (2–6; classes 3–5 have fewer rows) and
 * values on a coarse grid (weights 1 + round(20·e^z) normalised: many ties and exact bin edges), so that ranges,
 * groups and ties interact.
 */
import { type CalibrationInput, labelledSet } from "../input";
import { Rng } from "../prng";

export function mixedSet(seed: number, n: number): CalibrationInput {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = 2 + rng.nextInt(5);
    const w = Array.from({ length: k }, () => 1 + Math.round(20 * Math.exp(rng.nextNormal())));
    const s = w.reduce((a, b) => a + b);
    rows.push(w.map((x) => x / s));
    labels.push(rng.nextInt(k));
  }
  return labelledSet(rows, labels);
}
