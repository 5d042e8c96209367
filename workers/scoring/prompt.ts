/**
 * The exact prompt texts (README.md ("Worker: models, scoring and datasets") repeats them). MMLU's format as in Hendrycks et al. and
 * lm-evaluation-harness: an English header naming the subject, a blank line, then each example as the question,
 * its lettered options and "Answer: X", examples separated by a blank line, the scored question ending in
 * "Answer:". The header stays English for every language, like the GlobalMMLU / MMLU-ProX harness tasks.
 */
import { badInput } from "../../lib/errors";
import type { ScoringQuestion } from "./types";

export const LETTERS = "ABCDEFGHIJ";

export function subjectName(subject: string): string {
  return subject.replace(/_/g, " ").trim();
}

export function promptHeader(subject: string): string {
  const name = subjectName(subject);
  return name
    ? `The following are multiple choice questions (with answers) about ${name}.\n\n`
    : "The following are multiple choice questions (with answers).\n\n";
}

function checkOptions(q: ScoringQuestion): void {
  if (q.options.length < 2 || q.options.length > LETTERS.length) {
    throw badInput(`a question needs 2 to ${LETTERS.length} options (got ${q.options.length})`, { field: "options" });
  }
}

function goldOf(shot: ScoringQuestion): number {
  const g = shot.gold;
  if (g === null || g === undefined || !Number.isInteger(g) || g < 0 || g >= shot.options.length) {
    throw badInput("a few-shot example needs a gold answer within its options", { field: "gold" });
  }
  return g;
}

/** "{question}\nA. {a}\nB. {b}…\nAnswer:" (or, without the listing, "{question}\nAnswer:"). */
export function questionBlock(q: ScoringQuestion, listOptions: boolean): string {
  checkOptions(q);
  const options = listOptions ? q.options.map((o, i) => `\n${LETTERS[i]}. ${o.trim()}`).join("") : "";
  return `${q.question.trim()}${options}\nAnswer:`;
}

/** Letter method: the lettered MMLU prompt; examples answer with " X" (the letter after a space). */
export function letterPrompt(q: ScoringQuestion, shots: readonly ScoringQuestion[] = []): string {
  const examples = shots.map((s) => `${questionBlock(s, true)} ${LETTERS[goldOf(s)]}\n\n`).join("");
  return promptHeader(q.subject) + examples + questionBlock(q, true);
}

/**
 * Continuation method: the same header and question, options listed only with `listOptions`; examples answer
 * with the text of their gold option. Each option is scored as the continuation " {option}".
 */
export function continuationPrompt(q: ScoringQuestion, shots: readonly ScoringQuestion[] = [], listOptions = false): string {
  const examples = shots.map((s) => `${questionBlock(s, listOptions)} ${s.options[goldOf(s)].trim()}\n\n`).join("");
  return promptHeader(q.subject) + examples + questionBlock(q, listOptions);
}

/** The text scored for one option: a space, then the option (lm-evaluation-harness's target delimiter). */
export function continuationText(option: string): string {
  const text = option.trim();
  if (!text) throw badInput("an option is empty", { field: "options" });
  return ` ${text}`;
}
