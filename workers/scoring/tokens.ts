/**
 * Token-level conventions shared by the scorers, all through the model's own tokenizer:
 * - a continuation is encoded as lm-evaluation-harness does: encode(context + continuation) minus the first
 *   len(encode(context)) tokens, so every option shares the context's tokens exactly (the KV cache of the
 *   context is reusable) even where a tokenizer would merge across the boundary;
 * - an option letter is the single token that " X" becomes after "Answer:" (leading space: GPT-2 "ĠA",
 *   SentencePiece "▁A"); a tokenizer that splits it is refused rather than scored on a partial letter.
 */
import { badInput } from "../../lib/errors";
import type { Tokenizer } from "../model";
import { PLAIN_FORMAT, type PromptFormat } from "./format";
import { LETTERS } from "./prompt";

/** addSpecialTokens false: the text already holds them (a rendered chat template). */
export function encode(tokenizer: Tokenizer, text: string, addSpecialTokens = true): number[] {
  return tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids;
}

export function encodeContinuation(tokenizer: Tokenizer, context: string, contextIds: readonly number[], continuation: string, addSpecialTokens = true): number[] {
  const whole = encode(tokenizer, context + continuation, addSpecialTokens);
  // The scorers feed contextIds + these ids: that is the model's own tokenisation of the text only if the context's
  // tokens survive in it (no merge across the boundary). A tokenizer that merges there would be scored on a
  // sequence it never produces, so it is refused by name rather than scored wrongly.
  const boundary = contextIds.findIndex((id, i) => whole[i] !== id);
  if (boundary >= 0) {
    throw badInput(`option "${continuation.trim()}" merges with the end of the prompt when tokenised (token ${boundary} of the prompt changes): continuation scoring cannot split it`, { field: "options" });
  }
  const ids = whole.slice(contextIds.length);
  if (ids.length === 0) throw badInput(`option "${continuation.trim()}" encodes to no tokens after the prompt`, { field: "options" });
  return ids;
}

const letterCache = new WeakMap<Tokenizer, Map<string, number[]>>();
const PROBE = { subject: "", question: "?", options: ["a", "b"] };

/**
 * Token ids of the answer letters as they follow a prompt of this format: " A", " B", … after "Answer:" (plain),
 * "A", "B", … after a chat template's assistant header; for the first `count` letters.
 */
export function letterTokenIds(tokenizer: Tokenizer, count: number, format: PromptFormat = PLAIN_FORMAT): number[] {
  const probe = format.letterPrompt(PROBE, []);
  const cache = letterCache.get(tokenizer) ?? new Map<string, number[]>();
  letterCache.set(tokenizer, cache);
  let ids = cache.get(probe);
  if (!ids) {
    const base = encode(tokenizer, probe, format.addSpecialTokens);
    ids = [...LETTERS].map((letter) => {
      const whole = encode(tokenizer, `${probe}${format.answerDelimiter}${letter}`, format.addSpecialTokens);
      const extra = whole.slice(base.length);
      if (extra.length !== 1 || whole.slice(0, base.length).some((id, i) => id !== base[i])) {
        return -1; // checked below, only for the letters a question actually uses
      }
      return extra[0];
    });
    cache.set(probe, ids);
  }
  const used = ids.slice(0, count);
  const bad = used.findIndex((id) => id < 0);
  if (bad >= 0) throw badInput(`option letter "${format.answerDelimiter}${LETTERS[bad]}" is not a single token for this tokenizer: the letter method cannot score it`, { field: "method" });
  return used;
}

const specialPrefixes = new WeakMap<Tokenizer, number[]>();

/**
 * How many leading tokens of `ids` are the tokenizer's own start tokens (BOS: Llama's <|begin_of_text|>, Gemma's
 * <bos>; none for GPT-2), which truncation keeps: a model never saw a sequence without its BOS.
 */
export function specialPrefixLength(tokenizer: Tokenizer, ids: readonly number[]): number {
  let prefix = specialPrefixes.get(tokenizer);
  if (!prefix) {
    prefix = encode(tokenizer, "", true);
    specialPrefixes.set(tokenizer, prefix);
  }
  return prefix.every((id, i) => ids[i] === id) ? prefix.length : 0;
}

/**
 * Keeps `keep` tokens of a prompt: its first `prefix` (the BOS) and the last keep - prefix, so what goes is the
 * oldest text — the header and the first few-shot examples. Reports how many tokens were cut.
 */
export function truncateLeft(ids: number[], keep: number, prefix = 0): { ids: number[]; truncated: number } {
  if (ids.length <= keep) return { ids, truncated: 0 };
  if (keep <= prefix) throw new Error(`a context of ${keep} tokens leaves no room after the ${prefix} start token(s)`);
  return { ids: [...ids.slice(0, prefix), ...ids.slice(ids.length - (keep - prefix))], truncated: ids.length - keep };
}
