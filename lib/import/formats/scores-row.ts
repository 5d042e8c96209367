/**
 * Shared by the JSONL and CSV "per-question scores" formats: turns one row's id, language, label and
 * per-option scores (probabilities, log-probabilities or logits) into an ImportRecord.
 */
import { badInput, type ErrorLocation } from "../../errors";
import { checkProbs, decide, finiteNumber, parseLabel, softmax } from "../numbers";
import type { FileContext, ImportRecord } from "../record";

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
const OPTION_KEY = /^(p|prob|probs|probability|logprob|logprobs|lp|logit|logits)(?:[_.-](\d+|[A-Za-z])|(\d+))$/i;

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
  const letter = /^[A-Za-z]$/.test(suffix);
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
export function orderOptionKeys<T extends { key: OptionKey }>(cols: T[], where: ErrorLocation): { kind: ScoreKind; ordered: T[] } {
  const kind = cols[0].key.kind;
  for (const c of cols) {
    if (c.key.kind !== kind) throw badInput(`mixes ${kind} and ${c.key.kind} columns`, where);
    if (c.key.letter !== cols[0].key.letter) throw badInput(`mixes letter and number option suffixes`, where);
  }
  const sorted = [...cols].sort((a, b) => a.key.index - b.key.index);
  const base = sorted[0].key.index === 1 && !sorted[0].key.letter ? 1 : 0;
  sorted.forEach((c, i) => {
    if (c.key.index !== i + base) {
      throw badInput(`option columns must be contiguous from ${base === 1 ? "1" : sorted[0].key.letter ? "A" : "0"} (missing or repeated option ${i + base})`, where);
    }
  });
  return { kind, ordered: sorted };
}

export interface ScoresRow {
  id: unknown;
  language: unknown;
  subject: unknown;
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

export function scoresRecord(row: ScoresRow, ctx: FileContext, line: number, state: ScoresState): ImportRecord {
  const at = (field?: string): ErrorLocation => ({ file: ctx.name, line, field });
  if (state.kind && state.kind !== row.kind) {
    throw badInput(`row gives ${row.kind} but earlier rows gave ${state.kind}; use one kind of score per file`, at(row.kind));
  }
  state.kind = row.kind;

  const externalId = idString(row.id, at("id"));
  const language = row.language ?? ctx.options.language;
  if (language === undefined || language === null || language === "") {
    throw badInput(`missing language (add a "language" field or pass --language)`, at("language"));
  }
  if (typeof language !== "string") throw badInput(`language must be a string`, at("language"));

  const values = row.values.map((v, i) => {
    if (v === "" || v === null || v === undefined) throw badInput(`missing score for option ${i}`, at(row.kind));
    return finiteNumber(v, at(row.kind));
  });
  let probs: number[];
  let logLikelihoods: number[] | null = null;
  if (row.kind === "probs") probs = checkProbs(values, { renormalize: ctx.options.renormalize }, at("probs"));
  else {
    if (row.kind === "logprobs") {
      const bad = values.findIndex((v) => v > 1e-6);
      if (bad >= 0) throw badInput(`log-probability ${values[bad]} for option ${bad} is positive`, at("logprobs"));
      logLikelihoods = values;
    }
    probs = softmax(values);
  }

  const options = optionTexts(row.options, values.length, at("options"));
  if (row.label === undefined || row.label === null || row.label === "") throw badInput(`missing label`, at("label"));
  const gold = parseLabel(row.label, values.length, at("label"));
  const { predicted, confidence } = decide(probs);
  return {
    line,
    language,
    externalId,
    subject: ctx.options.subject ?? optionalString(row.subject),
    text: optionalString(row.text),
    options,
    optionCount: values.length,
    gold,
    probs,
    logLikelihoods,
    predicted,
    confidence,
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

function optionTexts(v: unknown, count: number, where: ErrorLocation): string[] {
  if (v === undefined || v === null || v === "") return [];
  if (!Array.isArray(v) || !v.every((o) => typeof o === "string")) throw badInput(`options must be an array of strings`, where);
  if (v.length !== count) throw badInput(`${v.length} option texts but ${count} scores`, where);
  return v as string[];
}
