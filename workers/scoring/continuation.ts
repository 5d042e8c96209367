/**
 * Continuation method (the paper's): the log-likelihood of each option's text as a continuation of the prompt,
 * mean per token ("per-token", a length-normalised perplexity) or summed ("sum"), softmaxed over the options.
 *
 * The K options share the prompt, so it is not recomputed needlessly:
 * - "kv-cache" (exports with past inputs): the prompt but its last token runs once (batch 1) for its KV cache only;
 *   the cache is repeated to batch K and the K rows [last prompt token, option] run as one right-padded batch on it.
 * - "full" (any export): the K full sequences, prompt + option, run as one right-padded batch.
 * Only the first L-1 tokens of an L-token option are fed: its first token is predicted by the prompt's last
 * position, and nothing reads the prediction after its last token.
 */
import { logProbsAt, type LogProbRequest } from "./log-probs";
import { packBatch } from "./batch";
import { expandKvCache, KvBufferPool } from "../model";
import { PLAIN_FORMAT, type PromptFormat } from "./format";
import { continuationText } from "./prompt";
import { contextLimit, optionScores } from "./result";
import { encode, encodeContinuation, specialPrefixLength, truncateLeft } from "./tokens";
import type { Normalization, OptionScores, ScoringItem, ScoringModel } from "./types";

export type ContinuationStrategy = "auto" | "kv-cache" | "full";

export interface ContinuationOptions {
  normalization?: Normalization;
  /** List the lettered options in the prompt too (default false: question, then "Answer:"). */
  listOptions?: boolean;
  /** auto (default): kv-cache when the export has past inputs, else full. */
  strategy?: ContinuationStrategy;
  /** Context limit in tokens (default: the model's); the prompt loses its oldest tokens to fit. */
  maxLength?: number;
  /** Plain MMLU prompt (default) or through the model's chat template (format.ts). */
  format?: PromptFormat;
}

interface Encoded {
  context: number[];
  options: number[][];
  truncated: number;
}

function encodeItem(model: ScoringModel, item: ScoringItem, listOptions: boolean, limit: number, format: PromptFormat): Encoded {
  const text = format.continuationPrompt(item.question, item.shots ?? [], listOptions);
  const context = encode(model.tokenizer, text, format.addSpecialTokens);
  // continuationText checks the option and gives " option"; after a chat header the space is the format's delimiter.
  const answer = (o: string) => format.answerDelimiter + continuationText(o).slice(1);
  const options = item.question.options.map((o) => encodeContinuation(model.tokenizer, text, context, answer(o), format.addSpecialTokens));
  // Fed: context + all but the last option token, so context + longest option - 1 must fit.
  const longest = Math.max(...options.map((o) => o.length));
  const keep = limit - (longest - 1);
  if (keep < 1) throw new Error(`an option of ${longest} tokens does not fit the model's ${limit}-token context`);
  const cut = truncateLeft(context, keep, specialPrefixLength(model.tokenizer, context));
  return { context: cut.ids, options, truncated: cut.truncated };
}

const kvPools = new WeakMap<ScoringModel, KvBufferPool>();

/**
 * Sums log p(option token | everything before) per option, with the KV cache of the shared context. The context
 * but its last token runs once (batch 1) for its cache only; row k of the second pass is [last context token,
 * option k but its last token] on that cache repeated K times, so its logits hold every option token's prediction
 * and the first pass's logits are never fetched.
 */
async function sumsWithCache(model: ScoringModel, enc: Encoded): Promise<number[]> {
  const P = enc.context.length;
  const last = enc.context[P - 1];
  const rows = enc.options.map((o) => [last, ...o.slice(0, -1)]);
  const pool = kvPools.get(model) ?? new KvBufferPool();
  kvPools.set(model, pool);
  const out = await pool.lease(async (take) => {
    const past = P > 1 ? expandKvCache((await model.forward(packBatch([enc.context.slice(0, -1)], "right", model.padTokenId), { cacheOnly: true })).cache, rows.length, take) : undefined;
    return model.forward(packBatch(rows, "right", model.padTokenId, past));
  });
  const seq = Math.max(...rows.map((r) => r.length));
  const requests: LogProbRequest[] = enc.options.flatMap((o, k) => o.map((id, j) => ({ logits: out.logits, offset: (k * seq + j) * out.vocab, ids: [id] })));
  const lp = await logProbsAt(out.vocab, requests);
  let next = 0;
  return enc.options.map((o) => {
    let sum = 0;
    for (let j = 0; j < o.length; j++) sum += lp[next++][0];
    return sum;
  });
}

/** Same sums from the K full sequences in one batch (no cache needed). */
async function sumsFull(model: ScoringModel, enc: Encoded): Promise<number[]> {
  const P = enc.context.length;
  const rows = enc.options.map((o) => [...enc.context, ...o.slice(0, -1)]);
  const packed = packBatch(rows, "right", model.padTokenId);
  const { logits, vocab } = await model.forward(packed);
  const requests: LogProbRequest[] = enc.options.flatMap((o, k) =>
    o.map((id, j) => ({ logits, offset: (k * packed.seq + P - 1 + j) * vocab, ids: [id] })),
  );
  const lp = await logProbsAt(vocab, requests);
  let next = 0;
  return enc.options.map((o) => {
    let sum = 0;
    for (let j = 0; j < o.length; j++) sum += lp[next++][0];
    return sum;
  });
}

export async function scoreContinuation(model: ScoringModel, item: ScoringItem, opts: ContinuationOptions = {}): Promise<OptionScores> {
  const normalization = opts.normalization ?? "per-token";
  const strategy = opts.strategy ?? "auto";
  if (strategy === "kv-cache" && !model.hasPast) throw new Error("the kv-cache strategy needs an export with past_key_values inputs");
  const enc = encodeItem(model, item, opts.listOptions ?? false, contextLimit(opts.maxLength, model.maxLength), opts.format ?? PLAIN_FORMAT);
  const useCache = strategy === "kv-cache" || (strategy === "auto" && model.hasPast);
  const sums = useCache ? await sumsWithCache(model, enc) : await sumsFull(model, enc);
  const counts = enc.options.map((o) => o.length);
  const scores = normalization === "sum" ? sums : sums.map((s, k) => s / counts[k]);
  return optionScores("continuation", item.question, scores, sums, counts, enc.context.length, enc.truncated);
}
