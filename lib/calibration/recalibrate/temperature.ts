/**
 * Temperature scaling (Guo, Pleiss, Sun & Weinberger 2017, "On Calibration of Modern Neural Networks",
 * ICML): one scalar T > 0 divides every log-score, p(T) = softmax(z / T). It never changes the argmax,
 * so accuracy is unchanged; T > 1 softens (less confident), T < 1 sharpens.
 *
 * Fit: T minimising the mean negative log-likelihood over the fitting rows.
 *  - Labelled rows (gold index y known): NLL_i(T) = −ln p_y(T), floored like the project's NLL metric
 *    (p_y below 1e-12 costs ln 1e12, lib/calibration/rows.ts NLL_FLOOR), so the minimised value is exactly
 *    the reported `nll`. Unfloored, NLL_i = logsumexp(β z_i) − β z_iy with β = 1/T is convex in β
 *    (log-sum-exp is convex, the second term linear) but not in T; the search runs on ln T, which a
 *    monotone change of variable keeps unimodal.
 *  - Top-label rows (only whether the argmax answer was right is known — Plaut et al. files): the
 *    binary NLL of the scaled confidence c(T) = max_k p_k(T): −ln c(T) when right, −ln(1 − c(T)) when
 *    wrong, with the same floor. This is temperature scaling of the confidence under log loss; it
 *    equals the multiclass NLL on the right answers.
 * Search: T ∈ [0.02, 50] (TEMPERATURE_RANGE), dense scan on ln T then golden section to a relative
 * 1e-9 (optimize.ts). A fit at a bound is flagged (`atBound`).
 */
import { NLL_FLOOR } from "../rows";
import { logScaleGrid, minimizeOnLogScale } from "./optimize";
import type { ScoreRows } from "./scores";

export const TEMPERATURE_RANGE: readonly [number, number] = [0.02, 50];
const NLL_CAP = -Math.log(NLL_FLOOR);

export type TemperatureTarget = { labels: Int32Array } | { correct: Uint8Array };

export interface TemperatureFit {
  temperature: number;
  /** Mean (floored) NLL at the fitted temperature: multiclass for labels, binary for correctness. */
  nll: number;
  atBound: boolean;
}

/** Per row: ln Σ_j exp(β(z_j − max z)) (≥ 0), and the row's max. Entries −Infinity contribute 0. */
function rowLogSum(z: Float64Array, start: number, end: number, beta: number): { lse: number; max: number } {
  let max = -Infinity;
  for (let j = start; j < end; j++) if (z[j] > max) max = z[j];
  let s = 0;
  for (let j = start; j < end; j++) s += Math.exp(beta * (z[j] - max));
  return { lse: Math.log(s), max };
}

/**
 * The fitting rows prepared once per fit: scores shifted by their row maximum (d_j = z_j − max ≤ 0, so
 * exp(β d_j) never overflows) and, per row, the gold entry's shift (labelled) or the correctness flag.
 * The objective then costs one exp per option and one log per row, with no allocation.
 */
function prepare(scores: ScoreRows, target: TemperatureTarget, rows: ArrayLike<number> | null) {
  const { z, offsets } = scores;
  const m = rows ? rows.length : scores.n;
  const start = new Int32Array(m + 1);
  for (let r = 0; r < m; r++) {
    const i = rows ? rows[r] : r;
    start[r + 1] = start[r] + offsets[i + 1] - offsets[i];
  }
  const d = new Float64Array(start[m]);
  const gold = new Float64Array(m);
  const right = new Uint8Array(m);
  for (let r = 0; r < m; r++) {
    const i = rows ? rows[r] : r;
    let mx = -Infinity;
    for (let j = offsets[i]; j < offsets[i + 1]; j++) if (z[j] > mx) mx = z[j];
    for (let j = offsets[i], o = start[r]; j < offsets[i + 1]; j++, o++) d[o] = z[j] - mx;
    if ("labels" in target) gold[r] = z[offsets[i] + target.labels[i]] - mx;
    else right[r] = target.correct[i];
  }
  return { m, start, d, gold, right, labelled: "labels" in target };
}

/** Σ over the prepared rows of the floored NLL at `temperature` (preparedNll × m). */
function preparedSum(p: ReturnType<typeof prepare>, temperature: number): number {
  const beta = 1 / temperature;
  const { m, start, d, gold, right, labelled } = p;
  let total = 0;
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let o = start[r]; o < start[r + 1]; o++) s += Math.exp(beta * d[o]);
    const lse = Math.log(s);
    const nll = labelled ? lse - beta * gold[r] : right[r] ? lse : -Math.log(-Math.expm1(-lse));
    total += nll < NLL_CAP ? nll : NLL_CAP;
  }
  return total;
}

function preparedNll(p: ReturnType<typeof prepare>, temperature: number): number {
  return preparedSum(p, temperature) / p.m;
}

/**
 * Σ of the floored NLL over `rows` at each point of fitTemperature's scan (logScaleGrid of TEMPERATURE_RANGE).
 * Cross-validation computes these once per (language, fold) cell: a fit's scan is then the sum of its training
 * cells' values over its row count, and only the refinement passes over its rows (the scan is 33 of ~48 passes).
 */
export function temperatureScanSums(scores: ScoreRows, target: TemperatureTarget, rows: ArrayLike<number>): Float64Array {
  const prepared = prepare(scores, target, rows);
  return logScaleGrid(...TEMPERATURE_RANGE).map((t) => preparedSum(prepared, t));
}

/** Mean floored NLL of softmax(z/T) at temperature T over `rows` (or all rows when null). */
export function temperatureNll(scores: ScoreRows, target: TemperatureTarget, temperature: number, rows: ArrayLike<number> | null = null): number {
  return preparedNll(prepare(scores, target, rows), temperature);
}

/**
 * The temperature minimising temperatureNll over `rows` (all rows when null). `scanSums`: the sums of
 * temperatureScanSums over exactly these rows (in any grouping), when the caller has them.
 */
export function fitTemperature(scores: ScoreRows, target: TemperatureTarget, rows: ArrayLike<number> | null = null, scanSums?: Float64Array): TemperatureFit {
  const m = rows ? rows.length : scores.n;
  if (m === 0) throw new RangeError("fitTemperature: no rows to fit on");
  const [lo, hi] = TEMPERATURE_RANGE;
  const prepared = prepare(scores, target, rows);
  const best = minimizeOnLogScale((t) => preparedNll(prepared, t), lo, hi, { scanned: scanSums?.map((v) => v / m) });
  return { temperature: best.x, nll: best.value, atBound: best.atBound };
}

/** softmax(z/T) of every row, CSR with the scores' offsets. */
export function scaleProbabilities(scores: ScoreRows, temperature: number): Float64Array {
  const beta = 1 / temperature;
  const { z, offsets } = scores;
  const out = new Float64Array(z.length);
  for (let i = 0; i < scores.n; i++) {
    const start = offsets[i];
    const end = offsets[i + 1];
    const { lse, max } = rowLogSum(z, start, end, beta);
    for (let j = start; j < end; j++) out[j] = Math.exp(beta * (z[j] - max) - lse);
  }
  return out;
}

/** Scaled confidence max_k softmax(z_i/T)_k = exp(−lse_i) of rows `ids` (in that order). */
export function scaledConfidence(scores: ScoreRows, temperature: number, ids: ArrayLike<number>): Float64Array {
  const beta = 1 / temperature;
  const out = new Float64Array(ids.length);
  for (let r = 0; r < ids.length; r++) {
    const i = ids[r];
    out[r] = Math.exp(-rowLogSum(scores.z, scores.offsets[i], scores.offsets[i + 1], beta).lse);
  }
  return out;
}
