/** Assembles an OptionScores from per-option scores (shared by both methods). */
import { argmax, softmaxArray as softmax } from "../../lib/calibration/softmax";
import type { OptionScores, ScoringMethod, ScoringQuestion } from "./types";

export function optionScores(
  method: ScoringMethod,
  question: ScoringQuestion,
  scores: number[],
  logProbs: number[],
  tokenCounts: number[],
  promptTokens: number,
  truncatedTokens: number,
): OptionScores {
  const probs = softmax(scores);
  const predicted = argmax(probs);
  const gold = question.gold;
  return {
    method,
    scores,
    probs,
    logProbs,
    tokenCounts,
    predicted,
    confidence: probs[predicted],
    correct: gold === null || gold === undefined ? null : predicted === gold,
    promptTokens,
    truncatedTokens,
  };
}

/** The context length limit: an explicit option, else the model's, else none. */
export function contextLimit(explicit: number | undefined, model: number | null): number {
  const limit = explicit ?? model ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 2)) throw new Error(`maxLength must be at least 2 (got ${limit})`);
  return limit;
}
