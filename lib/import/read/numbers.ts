/**
 * Numeric validation and the probability arithmetic shared by all formats. Every rejection names
 * the place (file:line, field) because the user has to find the offending row in a large file.
 */
import { badInput, type ErrorLocation } from "../../errors";
import { argmax, softmaxArray } from "../../calibration/softmax";

/** One softmax and argmax for the whole project (lib/calibration); re-exported for the format parsers. */
export { argmax, softmaxArray as softmax };

export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** Probabilities must sum to 1 within this tolerance unless the user asks for renormalisation. */
export const SUM_TOLERANCE = 1e-6;

/** A finite number from a JSON number or a numeric string (lm-eval writes log-likelihoods as strings). */
export function finiteNumber(v: unknown, where: ErrorLocation): number {
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    const s = v.trim();
    if (NON_FINITE.test(s))
      throw badInput(`not a finite number: "${v}" (NaN and infinities are rejected)`, where);
    if (!DECIMAL.test(s)) throw badInput(`not a number: ${shortJson(v)}`, where);
    n = Number(s);
  } else throw badInput(`expected a number, got ${describe(v)}`, where);
  if (!Number.isFinite(n))
    throw badInput(`not a finite number: ${typeof v === "string" ? shortJson(v) : String(v)} (NaN and infinities are rejected)`, where);
  return n;
}

/** A value for an error message: a 100,000-digit "number" must not become a 100 KB message. */
function shortJson(s: string): string {
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + "…" : s);
}

export function numberArray(v: unknown, where: ErrorLocation): number[] {
  if (!Array.isArray(v)) throw badInput(`expected an array of numbers, got ${describe(v)}`, where);
  return v.map((x) => finiteNumber(x, where));
}


export interface ProbCheck {
  /** Divide by the sum instead of requiring it to be 1 (Plaut files; generic probs with --renormalize). */
  renormalize: boolean;
}

/**
 * Validates per-option probabilities: finite, non-negative, and summing to 1 (± SUM_TOLERANCE) unless
 * renormalising, in which case the sum must be positive. Returns the probabilities to store.
 */
export function checkProbs(ps: number[], check: ProbCheck, where: ErrorLocation): number[] {
  let sum = 0;
  for (let i = 0; i < ps.length; i++) {
    if (ps[i] < 0) throw badInput(`negative probability ${ps[i]} for option ${i}`, where);
    sum += ps[i];
  }
  if (check.renormalize) {
    if (!(sum > 0)) throw badInput(`probabilities sum to 0: cannot renormalise`, where);
    return sum === 1 ? ps : ps.map((p) => p / sum);
  }
  // The tiny extra slack absorbs the rounding of the summation itself.
  if (Math.abs(sum - 1) > SUM_TOLERANCE + 1e-12) {
    throw badInput(
      `probabilities sum to ${sum}, not 1 (tolerance ${SUM_TOLERANCE}; use --renormalize to rescale)`,
      where,
    );
  }
  // Within the sum's tolerance a probability could still exceed 1 ([1.0000005, 0]); the database refuses it.
  const over = ps.findIndex((p) => p > 1);
  if (over >= 0) throw badInput(`probability ${ps[over]} for option ${over} is above 1`, where);
  return ps;
}

/** Gold label as an option index: a number, a digit string, or a letter A–Z (case-insensitive). */
export function parseLabel(v: unknown, optionCount: number, where: ErrorLocation): number {
  let idx: number;
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw badInput(`label must be an integer index or a letter, got ${v}`, where);
    idx = v;
  } else if (typeof v === "string") {
    const s = v.trim();
    if (/^-?\d+$/.test(s)) idx = Number(s);
    else if (/^[A-Z]$/i.test(s)) idx = s.toUpperCase().charCodeAt(0) - 65;
    else throw badInput(`label must be an integer index or a letter, got ${JSON.stringify(v)}`, where);
  } else throw badInput(`label must be an integer index or a letter, got ${describe(v)}`, where);
  if (idx < 0 || idx >= optionCount) {
    throw badInput(`label ${JSON.stringify(v)} out of range for ${optionCount} options`, where);
  }
  return idx;
}

export interface Decision {
  predicted: number;
  confidence: number;
}

/** The top-label decision a calibration metric needs: argmax and its probability. */
export function decide(probs: readonly number[]): Decision {
  const predicted = argmax(probs);
  return { predicted, confidence: probs[predicted] };
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${shortJson(v)}`;
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}
