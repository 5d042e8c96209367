/** What the scorers take and return. */
import type { LoadedModel } from "../model";

/** A multiple-choice question as the scorers see it (lib/datasets produces these fields). */
export interface ScoringQuestion {
  /** Subject or category, e.g. "high_school_biology" (underscores read as spaces in the prompt). */
  subject: string;
  question: string;
  /** 2 to 10 option texts, in letter order A, B, … */
  options: string[];
  /** Index of the correct option: required for few-shot examples, optional for the scored question. */
  gold?: number | null;
}

export interface ScoringItem {
  question: ScoringQuestion;
  /** Few-shot examples (with gold) prepended MMLU style; empty or absent for zero-shot. */
  shots?: ScoringQuestion[];
}

/** The slice of a loaded model the scorers use, so tests can hand in a stand-in. */
export type ScoringModel = Pick<LoadedModel, "tokenizer" | "forward" | "hasPast" | "io" | "maxLength" | "padTokenId">;

export type ScoringMethod = "letter" | "continuation";
export type Normalization = "per-token" | "sum";

export interface OptionScores {
  method: ScoringMethod;
  /**
   * What the softmax runs over, per option. letter: the raw logit of the option letter's token.
   * continuation: the option's log-likelihood, mean per token ("per-token") or summed ("sum").
   */
  scores: number[];
  /** softmax(scores): the option probabilities (they sum to 1). */
  probs: number[];
  /**
   * Per option log-probability under the model. letter: log p(letter token | prompt) over the whole vocabulary
   * (their exp need not sum to 1: the rest is mass on other tokens). continuation: the summed log-likelihood.
   */
  logProbs: number[];
  /** Tokens scored per option (1 for the letter method). */
  tokenCounts: number[];
  /** Index of the most probable option (the first one on ties). */
  predicted: number;
  /** probs[predicted]. */
  confidence: number;
  /** predicted === gold, or null when the question has no gold. */
  correct: boolean | null;
  /** Tokens of the prompt that were scored against (after truncation). */
  promptTokens: number;
  /** Tokens cut from the start of the prompt to fit the model's context (0 normally). */
  truncatedTokens: number;
}
