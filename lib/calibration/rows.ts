/**
 * Per-row quantities, computed in one pass over the probabilities: the top-label view (confidence,
 * correctness) that every binned metric uses, and the per-row scores whose means are Brier, NLL and
 * entropy. Kept per row (not only summed) so that bootstrap resamples reuse them.
 */
import type { CalibrationInput } from "./input";

/** Floor of p_y inside the log of NLL, so that a zero probability on the gold answer costs ln(1e12) ≈ 27.6. */
export const NLL_FLOOR = 1e-12;

export interface RowSummary {
  readonly n: number;
  /** c = max p (or the given confidence for top-label sets). */
  readonly confidence: Float64Array;
  /** 1 when argmax p (lowest index on ties) equals the gold index, or the given flag for top-label sets. */
  readonly correct: Uint8Array;
  /** −Σ p log2 p per row (0·log 0 = 0); null when probabilities are unknown. */
  readonly entropyBits: Float64Array | null;
  /** Σ_k (p_k − [k = y])² per row; null without gold labels. */
  readonly brier: Float64Array | null;
  /** −ln max(p_y, 1e-12) per row; null without gold labels. */
  readonly nll: Float64Array | null;
}

export function summarizeRows(input: CalibrationInput): RowSummary {
  const n = input.n;
  if (input.kind === "top-label") {
    return {
      n,
      confidence: input.confidence,
      correct: input.correct,
      entropyBits: input.rows ? entropyPerRow(input.rows.offsets, input.rows.probs, n) : null,
      brier: null,
      nll: null,
    };
  }
  const { offsets, probs, labels } = input;
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  const entropyBits = new Float64Array(n);
  const brier = new Float64Array(n);
  const nll = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const start = offsets[i];
    const end = offsets[i + 1];
    const gold = start + labels[i];
    let best = start;
    let max = probs[start];
    let h = 0;
    let b = 0;
    for (let j = start; j < end; j++) {
      const p = probs[j];
      // Strict ">" keeps the lowest index among tied maxima.
      if (p > max) {
        max = p;
        best = j;
      }
      if (p > 0) h -= p * Math.log2(p);
      const d = j === gold ? p - 1 : p;
      b += d * d;
    }
    confidence[i] = max;
    correct[i] = best === gold ? 1 : 0;
    entropyBits[i] = h;
    brier[i] = b;
    const py = probs[gold];
    nll[i] = -Math.log(py > NLL_FLOOR ? py : NLL_FLOOR);
  }
  return { n, confidence, correct, entropyBits, brier, nll };
}

function entropyPerRow(offsets: Int32Array, probs: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      const p = probs[j];
      if (p > 0) h -= p * Math.log2(p);
    }
    out[i] = h;
  }
  return out;
}

/** Σ w_i·x_i / Σ w_i (plain mean when weights is null). */
export function weightedMean(x: ArrayLike<number>, weights: Int32Array | null, total: number): number {
  let s = 0;
  if (weights) {
    for (let i = 0; i < x.length; i++) {
      const w = weights[i];
      if (w !== 0) s += w * x[i];
    }
  } else for (let i = 0; i < x.length; i++) s += x[i];
  return s / total;
}
