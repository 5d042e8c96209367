/**
 * Question sets: the validated, typed-array input of every metric.
 *
 * Storage is CSR-like so that one set may mix option counts (MMLU-ProX questions have up to 10
 * options, some fewer): row i's option probabilities are probs[offsets[i] .. offsets[i+1]).
 * Two kinds of set exist:
 *  - labelled: the gold index of every row is known, so every metric is available;
 *  - top-label: only the model's confidence and whether its argmax answer was correct are known
 *    (Plaut et al. 2024 files), so classwise metrics (SCE, ACE, Brier, NLL) are unavailable.
 */
import { badInput, type AtlasError, type ErrorLocation } from "../errors";
import { softmaxInto } from "./softmax";

/** |Σp − 1| allowed for probability rows. Rows are used as given, not renormalised. */
export const PROB_SUM_TOLERANCE = 1e-6;

export interface ProbRows {
  readonly n: number;
  /** Length n + 1; row i's options are probs[offsets[i] .. offsets[i+1]). */
  readonly offsets: Int32Array;
  readonly probs: Float64Array;
  /** Largest option count in the set (the K of the classwise metrics). */
  readonly maxK: number;
}

export interface LabelledSet extends ProbRows {
  readonly kind: "labelled";
  /** Gold option index per row. */
  readonly labels: Int32Array;
}

export interface TopLabelSet {
  readonly kind: "top-label";
  readonly n: number;
  /** Confidence of the model's answer per row, in [0, 1]. */
  readonly confidence: Float64Array;
  /** 1 when the model's answer was right, else 0. */
  readonly correct: Uint8Array;
  /** Option probabilities when known (used for entropy only), else null. */
  readonly rows: ProbRows | null;
}

export type CalibrationInput = LabelledSet | TopLabelSet;

/** How a row's scores are given: probabilities, or log-probabilities / logits (softmaxed). */
export type ScoreKind = "probs" | "logprobs" | "logits";

export interface RowInput {
  scores: ArrayLike<number>;
  kind?: ScoreKind;
  /** Gold index (labelled sets). */
  label?: number;
  /** Whether the argmax answer was right (top-label sets, when the gold index is unknown). */
  correct?: boolean;
}

/**
 * Validates one probability row in place in `dst[offset..]`; returns a problem description or null.
 * Exported for tests and importers that hold probabilities in their own buffers.
 */
export function checkProbRow(dst: Float64Array, offset: number, k: number): string | null {
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const p = dst[offset + j];
    if (!Number.isFinite(p)) return `probability ${j} is not a finite number`;
    if (p < 0) return `probability ${j} is negative (${p})`;
    if (p === 0) dst[offset + j] = 0; // -0 → 0: sorting relies on the bit patterns of non-negative doubles
    sum += p;
  }
  if (Math.abs(sum - 1) > PROB_SUM_TOLERANCE) return `probabilities sum to ${sum}, not 1 (tolerance ${PROB_SUM_TOLERANCE})`;
  return null;
}

/**
 * Accumulates rows (streaming-friendly: typed arrays grow by doubling) and validates each as it comes,
 * so an error names the offending row: `at` (file/line) when given, else "row i" (0-based).
 */
export class QuestionSetBuilder {
  private probs = new Float64Array(1024);
  private offsets = new Int32Array(257);
  private labels = new Int32Array(256);
  private correct = new Uint8Array(256);
  private n = 0;
  private used = 0;
  private maxK = 0;
  private mode: "labelled" | "top-label" | null = null;

  get size(): number {
    return this.n;
  }

  add(row: RowInput, at?: ErrorLocation): void {
    const fail = (message: string, field: string): AtlasError =>
      at ? badInput(message, { ...at, field }) : badInput(`row ${this.n}: ${message}`, { field });
    const kind = row.kind ?? "probs";
    const scores = row.scores;
    if (scores == null || typeof scores.length !== "number") throw fail("scores must be an array of numbers", kind);
    const k = scores.length;
    if (k < 2) throw fail(`a question needs at least 2 options, got ${k}`, kind);

    const hasLabel = row.label !== undefined;
    const mode = hasLabel ? "labelled" : "top-label";
    if (!hasLabel && typeof row.correct !== "boolean") throw fail("missing gold index", "label");
    if (this.mode && this.mode !== mode)
      throw fail(
        this.mode === "labelled" ? "missing gold index (earlier rows have one)" : "gold index given, but earlier rows have none",
        "label",
      );
    if (hasLabel) {
      const y = row.label as number;
      if (!Number.isInteger(y) || y < 0 || y >= k) throw fail(`gold index must be an integer in [0, ${k - 1}], got ${y}`, "label");
    }

    this.reserve(k);
    const off = this.used;
    if (kind === "probs") {
      for (let j = 0; j < k; j++) {
        const v = scores[j];
        if (typeof v !== "number") throw fail(`probability ${j} is not a number`, kind);
        this.probs[off + j] = v;
      }
      const problem = checkProbRow(this.probs, off, k);
      if (problem) throw fail(problem, kind);
    } else {
      const problem = softmaxInto(scores, this.probs, off);
      if (problem) throw fail(problem, kind);
    }

    this.mode = mode;
    this.used += k;
    this.offsets[this.n + 1] = this.used;
    if (hasLabel) this.labels[this.n] = row.label as number;
    else this.correct[this.n] = row.correct ? 1 : 0;
    if (k > this.maxK) this.maxK = k;
    this.n++;
  }

  build(): CalibrationInput {
    if (this.n === 0) throw badInput("no questions");
    const rows: ProbRows = {
      n: this.n,
      offsets: this.offsets.slice(0, this.n + 1),
      probs: this.probs.slice(0, this.used),
      maxK: this.maxK,
    };
    if (this.mode === "labelled") return { kind: "labelled", ...rows, labels: this.labels.slice(0, this.n) };
    return { kind: "top-label", n: this.n, confidence: maxPerRow(rows), correct: this.correct.slice(0, this.n), rows };
  }

  private reserve(k: number): void {
    if (this.used + k > this.probs.length) {
      const next = new Float64Array(Math.max(this.probs.length * 2, this.used + k));
      next.set(this.probs);
      this.probs = next;
    }
    if (this.n + 2 > this.offsets.length) {
      const cap = this.offsets.length * 2;
      const offsets = new Int32Array(cap);
      offsets.set(this.offsets);
      this.offsets = offsets;
      const labels = new Int32Array(cap);
      labels.set(this.labels);
      this.labels = labels;
      const correct = new Uint8Array(cap);
      correct.set(this.correct);
      this.correct = correct;
    }
  }
}

function maxPerRow(rows: ProbRows): Float64Array {
  const out = new Float64Array(rows.n);
  const { offsets, probs } = rows;
  for (let i = 0; i < rows.n; i++) {
    let m = probs[offsets[i]];
    for (let j = offsets[i] + 1; j < offsets[i + 1]; j++) if (probs[j] > m) m = probs[j];
    out[i] = m;
  }
  return out;
}

/** A labelled set from arrays of rows (probabilities by default, or log-probabilities / logits). */
export function labelledSet(rows: ArrayLike<ArrayLike<number>>, labels: ArrayLike<number>, kind: ScoreKind = "probs"): LabelledSet {
  if (rows.length !== labels.length) throw badInput(`${rows.length} rows but ${labels.length} labels`);
  const b = new QuestionSetBuilder();
  for (let i = 0; i < rows.length; i++) b.add({ scores: rows[i], kind, label: labels[i] });
  return b.build() as LabelledSet;
}

/**
 * A top-label set: per-row confidence and correctness, plus option probabilities when known (for
 * entropy). Rows of probabilities are validated like labelled ones; confidence must lie in [0, 1].
 */
export function topLabelSet(
  confidence: ArrayLike<number>,
  correct: ArrayLike<boolean | number>,
  probRows?: ArrayLike<ArrayLike<number>> | null,
): TopLabelSet {
  const n = confidence.length;
  if (correct.length !== n) throw badInput(`${n} confidences but ${correct.length} correctness flags`);
  if (n === 0) throw badInput("no questions");
  const conf = new Float64Array(n);
  const corr = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = confidence[i];
    if (typeof c !== "number" || !(c >= 0 && c <= 1)) throw badInput(`row ${i}: confidence must be in [0, 1], got ${c}`, { field: "confidence" });
    conf[i] = c === 0 ? 0 : c;
    corr[i] = correct[i] ? 1 : 0;
  }
  let rows: ProbRows | null = null;
  if (probRows) {
    if (probRows.length !== n) throw badInput(`${n} confidences but ${probRows.length} probability rows`);
    const b = new QuestionSetBuilder();
    for (let i = 0; i < n; i++) b.add({ scores: probRows[i], correct: corr[i] === 1 });
    rows = (b.build() as TopLabelSet).rows;
  }
  return { kind: "top-label", n, confidence: conf, correct: corr, rows };
}

/** The rows `ids` (in that order) of a set, e.g. one language of a mixed file. */
export function subset(input: CalibrationInput, ids: ArrayLike<number>): CalibrationInput {
  const m = ids.length;
  if (m === 0) throw badInput("no questions");
  const src = input.kind === "labelled" ? input : input.rows;
  let rows: ProbRows | null = null;
  if (src) {
    const offsets = new Int32Array(m + 1);
    let total = 0;
    let maxK = 0;
    for (let r = 0; r < m; r++) {
      const i = ids[r];
      const k = src.offsets[i + 1] - src.offsets[i];
      total += k;
      if (k > maxK) maxK = k;
      offsets[r + 1] = total;
    }
    const probs = new Float64Array(total);
    for (let r = 0; r < m; r++) {
      const i = ids[r];
      probs.set(src.probs.subarray(src.offsets[i], src.offsets[i + 1]), offsets[r]);
    }
    rows = { n: m, offsets, probs, maxK };
  }
  if (input.kind === "labelled") {
    const labels = new Int32Array(m);
    for (let r = 0; r < m; r++) labels[r] = input.labels[ids[r]];
    return { kind: "labelled", ...(rows as ProbRows), labels };
  }
  const confidence = new Float64Array(m);
  const correct = new Uint8Array(m);
  for (let r = 0; r < m; r++) {
    confidence[r] = input.confidence[ids[r]];
    correct[r] = input.correct[ids[r]];
  }
  return { kind: "top-label", n: m, confidence, correct, rows };
}
