/**
 * Shared by the JSONL and CSV "per-question scores" formats: turns one row's id, language, label and
 * per-option scores (probabilities, log-probabilities or logits) into an ImportRecord.
 */
import { badInput, type ErrorLocation } from "../../../errors";
import { argmax, checkProbs, finiteNumber, parseLabel, softmax, SUM_TOLERANCE } from "../numbers";
import type { FileContext, ImportRecord } from "../record";
import type { SliceFields } from "../../../slices/fields";

export type ScoreKind = "probs" | "logprobs" | "logits";

export const SCORE_ARRAY_KEYS: readonly ScoreKind[] = ["probs", "logprobs", "logits"];

const PREFIX_KIND: Record<string, ScoreKind> = {
  p: "probs",
  prob: "probs",
  probs: "probs",
  probability: "probs",
  logprob: "logprobs",
  logprobs: "logprobs",
  lp: "logprobs",
  logit: "logits",
  logits: "logits",
};

// `p0`, `p_0`, `prob_A`, `logit-3`, `lp.B`: a letter needs a separator so that `probs` is not "prob" + option S.
const OPTION_KEY =
  /^(p|prob|probs|probability|logprob|logprobs|lp|logit|logits)(?:[_.-](\d+|[A-Z])|(\d+))$/i;

export interface OptionKey {
  kind: ScoreKind;
  /** Raw index: the number, or the letter's position (A = 0). */
  index: number;
  letter: boolean;
}

/** Recognises a per-option score column/key such as `p_0` or `prob_A`; null for anything else. */
export function optionKey(key: string): OptionKey | null {
  const m = OPTION_KEY.exec(key);
  if (!m) return null;
  const suffix = m[2] ?? m[3];
  const letter = /^[A-Z]$/i.test(suffix);
  return {
    kind: PREFIX_KIND[m[1].toLowerCase()],
    index: letter ? suffix.toUpperCase().charCodeAt(0) - 65 : Number(suffix),
    letter,
  };
}

/**
 * Orders per-option keys into option positions. Indices must be contiguous from 0 (or from 1 for
 * `p1..pK`, which are then shifted), one kind and one style (digits or letters) per row.
 */
export function orderOptionKeys<T extends { key: OptionKey }>(
  cols: T[],
  where: ErrorLocation,
): { kind: ScoreKind; ordered: T[] } {
  const kind = cols[0].key.kind;
  for (const c of cols) {
    if (c.key.kind !== kind) throw badInput(`mixes ${kind} and ${c.key.kind} columns`, where);
    if (c.key.letter !== cols[0].key.letter) throw badInput(`mixes letter and number option suffixes`, where);
  }
  const sorted = [...cols].sort((a, b) => a.key.index - b.key.index);
  const base = sorted[0].key.index === 1 && !sorted[0].key.letter ? 1 : 0;
  sorted.forEach((c, i) => {
    if (c.key.index !== i + base) {
      throw badInput(
        `option columns must be contiguous from ${base === 1 ? "1" : sorted[0].key.letter ? "A" : "0"} (missing or repeated option ${i + base})`,
        where,
      );
    }
  });
  return { kind, ordered: sorted };
}

export interface ScoresRow {
  id: unknown;
  language: unknown;
  subject: unknown;
  /** Already read (recordSliceFields). */
  slice?: SliceFields;
  text: unknown;
  options: unknown;
  label: unknown;
  kind: ScoreKind;
  values: unknown[];
}

/** Per-file state: one kind of score per file keeps Run.scoringMethod meaningful. */
export class ScoresState {
  kind: ScoreKind | null = null;
}

// Hot path (one call per row): no per-row closures or array callbacks — tsx/esbuild wraps each
// closure creation in a naming helper, which showed up at ~5% of a 1M-row import profile.
function at(ctx: FileContext, line: number, field?: string): ErrorLocation {
  return { file: ctx.name, line, field };
}

export function scoresRecord(
  row: ScoresRow,
  ctx: FileContext,
  line: number,
  state: ScoresState,
): ImportRecord {
  if (state.kind !== row.kind) {
    if (state.kind)
      throw badInput(
        `row gives ${row.kind} but earlier rows gave ${state.kind}; use one kind of score per file`,
        at(ctx, line, row.kind),
      );
    state.kind = row.kind;
  }

  const id = row.id;
  const externalId =
    typeof id === "string" && id.length > 0 && id.charCodeAt(0) > 32 && id.charCodeAt(id.length - 1) > 32
      ? id
      : idString(id, at(ctx, line, "id"));
  const language = row.language ?? ctx.options.language;
  if (language === undefined || language === null || language === "") {
    throw badInput(`missing language (add a "language" field or pass --language)`, at(ctx, line, "language"));
  }
  if (typeof language !== "string") throw badInput(`language must be a string`, at(ctx, line, "language"));

  const raw = row.values;
  const n = raw.length;
  // The row's own array (freshly parsed, referenced by nothing else) is kept when every score in it is already a
  // finite number: one array less per row. The first value that needs converting starts a copy.
  let values = raw as number[];
  let sum = 0;
  let negative = false;
  let aboveOne = false;
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    let x: number;
    // Fast path for JSON numbers; strings, blanks and non-finite values go through the checks.
    if (typeof v === "number" && Number.isFinite(v)) x = v;
    else if (v === "" || v === null || v === undefined)
      throw badInput(`missing score for option ${i}`, at(ctx, line, row.kind));
    else x = finiteNumber(v, at(ctx, line, row.kind));
    if (values !== raw) values.push(x);
    else if (x !== v) {
      values = raw.slice(0, i) as number[];
      values.push(x);
    }
    sum += x;
    if (x < 0) negative = true;
    else if (x > 1) aboveOne = true;
  }
  let probs: number[];
  let logLikelihoods: number[] | null = null;
  if (row.kind === "probs") {
    // checkProbs explains (or renormalises) what the inline test does not accept as is.
    probs =
      !negative && !aboveOne && Math.abs(sum - 1) <= SUM_TOLERANCE
        ? values
        : checkProbs(values, { renormalize: ctx.options.renormalize }, at(ctx, line, "probs"));
  } else {
    if (row.kind === "logprobs") {
      for (let i = 0; i < n; i++) {
        if (values[i] > 1e-6)
          throw badInput(
            `log-probability ${values[i]} for option ${i} is positive`,
            at(ctx, line, "logprobs"),
          );
      }
      logLikelihoods = values;
    }
    probs = softmax(values);
  }

  const options = optionTexts(row.options, n, ctx, line);
  if (row.label === undefined || row.label === null || row.label === "")
    throw badInput(`missing label`, at(ctx, line, "label"));
  const gold =
    typeof row.label === "number" && Number.isInteger(row.label) && row.label >= 0 && row.label < n
      ? row.label
      : parseLabel(row.label, n, at(ctx, line, "label"));
  const predicted = argmax(probs);
  return {
    line,
    language,
    externalId,
    subject: ctx.options.subject ?? optionalString(row.subject),
    slice: row.slice,
    text: optionalString(row.text),
    options,
    optionCount: n,
    gold,
    probs,
    logLikelihoods,
    predicted,
    confidence: probs[predicted],
    correct: predicted === gold,
  };
}

export function idString(v: unknown, where: ErrorLocation): string {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "string" && v.trim() !== "") return v.trim();
  if (v === undefined || v === null || v === "") throw badInput(`missing id`, where);
  throw badInput(`id must be a string or a number`, where);
}

function optionalString(v: unknown): string | null {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number") return String(v);
  return null;
}

const NO_OPTIONS: string[] = [];

function optionTexts(v: unknown, count: number, ctx: FileContext, line: number): string[] {
  if (v === undefined || v === null || v === "") return NO_OPTIONS;
  if (!Array.isArray(v) || !v.every((o) => typeof o === "string"))
    throw badInput(`options must be an array of strings`, at(ctx, line, "options"));
  if (v.length !== count)
    throw badInput(`${v.length} option texts but ${count} scores`, at(ctx, line, "options"));
  return v as string[];
}
