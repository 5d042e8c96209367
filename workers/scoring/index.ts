/** Scoring of multiple-choice questions with a loaded model: the letter and continuation methods. */
export { scoreLetter, type LetterOptions } from "./letter";
export { scoreContinuation, type ContinuationOptions, type ContinuationStrategy } from "./continuation";
export { letterPrompt, continuationPrompt, continuationText, promptHeader, subjectName, questionBlock, LETTERS } from "./prompt";
export { letterTokenIds, encodeContinuation } from "./tokens";
export { packBatch, type Padding, type PackedBatch } from "./batch";
export { logProbsAt } from "./log-probs";
export type { Normalization, OptionScores, ScoringItem, ScoringMethod, ScoringModel, ScoringQuestion } from "./types";
export { PLAIN_FORMAT, chatFormat, type FewshotMode, type PromptFormat } from "./format";
