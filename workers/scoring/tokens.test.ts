/**
 * What the scorers refuse rather than score wrongly, on edited copies of the tiny GPT-2 tokenizer: a letter that is
 * not one token (letter method), and a tokenizer that merges an option's first token into the end of the prompt
 * (continuation method).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { describe, expect, it } from "vitest";
import { encodeContinuation, letterTokenIds } from ".";

const DIR = path.resolve(__dirname, "../../tests/fixtures/models/tiny-gpt2");
interface TokenizerJson {
  pre_tokenizer: { use_regex: boolean };
  model: { vocab: Record<string, number>; merges: [string, string][] };
}
const original = () => JSON.parse(readFileSync(path.join(DIR, "tokenizer.json"), "utf8")) as TokenizerJson;
const config = JSON.parse(readFileSync(path.join(DIR, "tokenizer_config.json"), "utf8")) as object;

describe("letterTokenIds", () => {
  it("refuses a tokenizer where ' J' is two tokens, naming the letter, and only when J is used", () => {
    const json = original();
    // No "ĠJ" token, and no merge that needs it: " J" stays "Ġ" + "J".
    json.model.merges = json.model.merges.filter(([a, b]) => !(a + b).startsWith("ĠJ") && !a.startsWith("ĠJ"));
    for (const t of Object.keys(json.model.vocab)) if (t.startsWith("ĠJ")) delete json.model.vocab[t];
    const tok = new Tokenizer(json, config);
    expect(tok.encode(" J").ids).toHaveLength(2);
    expect(letterTokenIds(tok, 9)).toHaveLength(9); // A-I still fine
    expect(() => letterTokenIds(tok, 10)).toThrow(`option letter " J" is not a single token for this tokenizer: the letter method cannot score it`);
  });
});

describe("encodeContinuation", () => {
  it("refuses an option whose tokens merge into the end of the prompt", () => {
    const json = original();
    // One word per text (no pre-tokenizer split) and ":" + "Ġ" merged first: "Answer: Paris" ends the prompt's ":"
    // differently from "Answer:" alone.
    json.pre_tokenizer.use_regex = false;
    json.model.vocab[":Ġ"] = Math.max(...Object.values(json.model.vocab)) + 1;
    json.model.merges.unshift([":", "Ġ"]);
    const tok = new Tokenizer(json, config);
    const context = "Question?\nAnswer:";
    const ids = tok.encode(context).ids;
    expect(() => encodeContinuation(tok, context, ids, " Paris")).toThrow(/option "Paris" merges with the end of the prompt when tokenised \(token \d+ of the prompt changes\)/);
    // The unedited tokenizer splits at the boundary.
    const plain = new Tokenizer(original(), config);
    expect(encodeContinuation(plain, context, plain.encode(context).ids, " Paris").length).toBeGreaterThan(0);
  });
});
