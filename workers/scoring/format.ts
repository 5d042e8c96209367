/**
 * How a question becomes model input text: the plain MMLU prompt (prompt.ts), or that prompt through the model's
 * chat template, as lm-evaluation-harness's --apply_chat_template [--fewshot_as_multiturn] does:
 *
 * - "single-turn": one user turn holding the whole plain prompt (header, worked examples, question, "Answer:").
 * - "multiturn": each example is a user turn (its question block; the header opens the first user turn) answered
 *   by an assistant turn (its letter, or its gold option's text); the scored question is the last user turn.
 *
 * Either way the template's assistant header ends the prompt (add_generation_prompt) and the answer is scored right
 * after it, without the plain prompt's separating space: "A", or the option's text. The rendered text already holds
 * the template's BOS, so it is tokenised without the tokenizer's own special tokens (as transformers does).
 */
import type { ChatMessage, ChatTemplate } from "../model";
import { continuationPrompt, letterPrompt, LETTERS, promptHeader, questionBlock } from "./prompt";
import type { ScoringQuestion } from "./types";

export type FewshotMode = "multiturn" | "single-turn";

export interface PromptFormat {
  /** "plain", "chat-single-turn" or "chat-multiturn": what run provenance records. */
  id: string;
  letterPrompt(q: ScoringQuestion, shots: readonly ScoringQuestion[]): string;
  continuationPrompt(q: ScoringQuestion, shots: readonly ScoringQuestion[], listOptions: boolean): string;
  /** Between the prompt and an answer (a letter or an option's text): " " plain, "" after an assistant header. */
  answerDelimiter: string;
  /** Let the tokenizer add its special tokens (BOS); off when the text comes from a chat template. */
  addSpecialTokens: boolean;
}

export const PLAIN_FORMAT: PromptFormat = {
  id: "plain",
  letterPrompt: (q, shots) => letterPrompt(q, shots),
  continuationPrompt: (q, shots, listOptions) => continuationPrompt(q, shots, listOptions),
  answerDelimiter: " ",
  addSpecialTokens: true,
};

function multiturn(q: ScoringQuestion, shots: readonly ScoringQuestion[], listOptions: boolean, answer: (s: ScoringQuestion) => string): ChatMessage[] {
  const header = promptHeader(q.subject);
  const messages: ChatMessage[] = [];
  for (const s of shots) {
    messages.push({ role: "user", content: (messages.length ? "" : header) + questionBlock(s, listOptions) });
    messages.push({ role: "assistant", content: answer(s) });
  }
  messages.push({ role: "user", content: (messages.length ? "" : header) + questionBlock(q, listOptions) });
  return messages;
}

function gold(s: ScoringQuestion): number {
  // letterPrompt/continuationPrompt check this for the single-turn form; the multiturn form checks it here.
  if (s.gold === null || s.gold === undefined || s.gold < 0 || s.gold >= s.options.length) throw new Error("a few-shot example needs a gold answer within its options");
  return s.gold;
}

export function chatFormat(template: ChatTemplate, mode: FewshotMode): PromptFormat {
  const render = (messages: ChatMessage[]) => template.render(messages);
  return {
    id: `chat-${mode}`,
    letterPrompt: (q, shots) =>
      render(mode === "multiturn" ? multiturn(q, shots, true, (s) => LETTERS[gold(s)]) : [{ role: "user", content: letterPrompt(q, shots) }]),
    continuationPrompt: (q, shots, listOptions) =>
      render(
        mode === "multiturn"
          ? multiturn(q, shots, listOptions, (s) => s.options[gold(s)].trim())
          : [{ role: "user", content: continuationPrompt(q, shots, listOptions) }],
      ),
    answerDelimiter: "",
    addSpecialTokens: false,
  };
}
