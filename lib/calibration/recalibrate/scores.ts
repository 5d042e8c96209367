/**
 * Log-scores of the options of each question, CSR like ProbRows: row i's scores are z[offsets[i] ..
 * offsets[i+1]). They are logits, log-probabilities, or ln p of given probabilities — softmax(z/T) is
 * the same for all three, because the three differ per row by a constant. −Infinity (probability 0)
 * is allowed; a row needs at least one finite score.
 */
import type { ProbRows } from "../input";
import { grown } from "../../typed-grow";

export interface ScoreRows {
  readonly n: number;
  readonly offsets: Int32Array;
  readonly z: Float64Array;
}

/** ln p of probability rows (z = −Infinity where p = 0). */
export function logScores(rows: ProbRows): ScoreRows {
  const z = new Float64Array(rows.probs.length);
  for (let j = 0; j < z.length; j++) z[j] = Math.log(rows.probs[j]);
  return { n: rows.n, offsets: rows.offsets, z };
}

/** Rows `ids` of a score set (for folds and languages). */
export function scoreSubset(rows: ScoreRows, ids: ArrayLike<number>): ScoreRows {
  const m = ids.length;
  const offsets = new Int32Array(m + 1);
  for (let r = 0; r < m; r++) offsets[r + 1] = offsets[r] + rows.offsets[ids[r] + 1] - rows.offsets[ids[r]];
  const z = new Float64Array(offsets[m]);
  for (let r = 0; r < m; r++) z.set(rows.z.subarray(rows.offsets[ids[r]], rows.offsets[ids[r] + 1]), offsets[r]);
  return { n: m, offsets, z };
}

/** Accumulates rows of scores as log-scores (probabilities → ln p), for files read row by row. */
export class ScoreCollector {
  private z = new Float64Array(1024);
  private offsets: number[] = [0];

  add(scores: ArrayLike<number>, kind: "probs" | "logprobs" | "logits"): void {
    const used = this.offsets[this.offsets.length - 1];
    this.z = grown(this.z, used + scores.length);
    for (let j = 0; j < scores.length; j++) this.z[used + j] = kind === "probs" ? Math.log(scores[j]) : scores[j];
    this.offsets.push(used + scores.length);
  }

  build(): ScoreRows {
    const n = this.offsets.length - 1;
    return { n, offsets: Int32Array.from(this.offsets), z: this.z.slice(0, this.offsets[n]) };
  }
}
