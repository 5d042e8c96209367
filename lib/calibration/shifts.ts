/**
 * Base → tuned, question by question: for the same questions answered by a base model and its tuned
 * variant, how correctness and confidence move.
 *
 *  - flips: right → wrong and wrong → right (correctness of each model's argmax answer);
 *  - "confident and wrong": wrong with confidence ≥ τ (default 0.9). Gained = confident-and-wrong after
 *    tuning but not before; lost = before but not after.
 * Rows are matched by question; counts are over the matched questions only.
 */

export const DEFAULT_CONFIDENT_WRONG = 0.9;

export type ShiftKind = "right-to-wrong" | "wrong-to-right" | "stays-right" | "stays-wrong";

export function shiftKind(baseCorrect: boolean, tunedCorrect: boolean): ShiftKind {
  if (baseCorrect) return tunedCorrect ? "stays-right" : "right-to-wrong";
  return tunedCorrect ? "wrong-to-right" : "stays-wrong";
}

export interface ShiftCounts {
  n: number;
  rightToWrong: number;
  wrongToRight: number;
  staysRight: number;
  staysWrong: number;
  confidentWrongBase: number;
  confidentWrongTuned: number;
  /** Confident and wrong after tuning only. */
  confidentWrongGained: number;
  /** Confident and wrong before tuning only. */
  confidentWrongLost: number;
  accuracyBase: number;
  accuracyTuned: number;
  confidenceBase: number;
  confidenceTuned: number;
}

export interface ShiftRow {
  baseConfidence: number;
  baseCorrect: boolean;
  tunedConfidence: number;
  tunedCorrect: boolean;
}

export function shiftCounts(rows: readonly ShiftRow[], threshold = DEFAULT_CONFIDENT_WRONG): ShiftCounts {
  const c: ShiftCounts = {
    n: rows.length,
    rightToWrong: 0,
    wrongToRight: 0,
    staysRight: 0,
    staysWrong: 0,
    confidentWrongBase: 0,
    confidentWrongTuned: 0,
    confidentWrongGained: 0,
    confidentWrongLost: 0,
    accuracyBase: 0,
    accuracyTuned: 0,
    confidenceBase: 0,
    confidenceTuned: 0,
  };
  for (const r of rows) {
    const k = shiftKind(r.baseCorrect, r.tunedCorrect);
    if (k === "right-to-wrong") c.rightToWrong++;
    else if (k === "wrong-to-right") c.wrongToRight++;
    else if (k === "stays-right") c.staysRight++;
    else c.staysWrong++;
    const cwBase = !r.baseCorrect && r.baseConfidence >= threshold;
    const cwTuned = !r.tunedCorrect && r.tunedConfidence >= threshold;
    if (cwBase) c.confidentWrongBase++;
    if (cwTuned) c.confidentWrongTuned++;
    if (cwTuned && !cwBase) c.confidentWrongGained++;
    if (cwBase && !cwTuned) c.confidentWrongLost++;
    c.accuracyBase += r.baseCorrect ? 1 : 0;
    c.accuracyTuned += r.tunedCorrect ? 1 : 0;
    c.confidenceBase += r.baseConfidence;
    c.confidenceTuned += r.tunedConfidence;
  }
  if (c.n > 0) {
    c.accuracyBase /= c.n;
    c.accuracyTuned /= c.n;
    c.confidenceBase /= c.n;
    c.confidenceTuned /= c.n;
  }
  return c;
}
