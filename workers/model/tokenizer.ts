/**
 * Tokenisation is @huggingface/tokenizers reading the folder's own tokenizer.json / tokenizer_config.json:
 * never a hand-written tokenizer, so the worker splits text exactly as the model was trained to see it.
 */
import { readFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";
import { badInput } from "../../lib/errors";

export type { Tokenizer };

function readJson(file: string): object {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw badInput(`cannot read JSON: ${(e as Error).message}`, { file });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw badInput("expected a JSON object", { file });
  return value;
}

/** tokenizer_config.json is optional (some exports omit it); tokenizer.json is not. */
export function loadTokenizer(tokenizerJson: string, tokenizerConfigJson: string | null): Tokenizer {
  return loadTokenizerAndConfig(tokenizerJson, tokenizerConfigJson).tokenizer;
}

/** The tokenizer and the parsed tokenizer_config.json ({} when absent), which also holds the chat template. */
export function loadTokenizerAndConfig(tokenizerJson: string, tokenizerConfigJson: string | null): { tokenizer: Tokenizer; config: Record<string, unknown> } {
  const json = readJson(tokenizerJson);
  const config = (tokenizerConfigJson ? readJson(tokenizerConfigJson) : {}) as Record<string, unknown>;
  try {
    return { tokenizer: new Tokenizer(json, config), config };
  } catch (e) {
    throw badInput(`unsupported tokenizer: ${(e as Error).message}`, { file: tokenizerJson });
  }
}

export { readJson };
