/**
 * Letter method: one forward pass over the lettered MMLU prompt; the option probabilities are the softmax of
 * the next-token logits of the option letters " A", " B", … (only the letters the question has). Several
 * questions share a forward pass (batchSize), sorted by length so that little of each batch is padding.
 */
import { logProbsAt } from "./log-probs";
import { packBatch, type Padding } from "./batch";
import { PLAIN_FORMAT, type PromptFormat } from "./format";
import { contextLimit, optionScores } from "./result";
import { encode, letterTokenIds, specialPrefixLength, truncateLeft } from "./tokens";
import type { OptionScores, ScoringItem, ScoringModel } from "./types";

export interface LetterOptions {
  /** Questions per forward pass (default 4: on CPU larger batches lose more to padding than they gain; see README.md ("Worker: models, scoring and datasets")). Results do not depend on it beyond float32 rounding. */
  batchSize?: number;
  /** Padding side within a batch (default right; left needs a position_ids input). */
  padding?: Padding;
  /** Context limit in tokens (default: the model's); longer prompts lose their oldest tokens. */
  maxLength?: number;
  /** Plain MMLU prompt (default) or through the model's chat template (format.ts). */
  format?: PromptFormat;
  /**
   * Length buckets: a batch takes only prompts at least (1 - maxPadding) as long as its longest, so at most this
   * fraction of any row is padding (default 0.25). 1 turns bucketing off (batches of batchSize whatever the lengths).
   */
  maxPadding?: number;
}

interface Prepared {
  ids: number[];
  truncated: number;
  letters: number[];
}

export async function scoreLetter(model: ScoringModel, items: readonly ScoringItem[], opts: LetterOptions = {}): Promise<OptionScores[]> {
  const batchSize = opts.batchSize ?? 4;
  const padding = opts.padding ?? "right";
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer (got ${batchSize})`);
  if (padding === "left" && !model.io.hasPositionIds) {
    throw new Error("left padding needs a model with a position_ids input; use right padding for this export");
  }
  const limit = contextLimit(opts.maxLength, model.maxLength);
  const format = opts.format ?? PLAIN_FORMAT;

  const prepared: Prepared[] = items.map(({ question, shots }) => {
    const letters = letterTokenIds(model.tokenizer, question.options.length, format);
    const full = encode(model.tokenizer, format.letterPrompt(question, shots ?? []), format.addSpecialTokens);
    const { ids, truncated } = truncateLeft(full, limit, specialPrefixLength(model.tokenizer, full));
    return { ids, truncated, letters };
  });
  // Longest first, cut into length buckets of at most batchSize: padding is bounded, and a long prompt never makes a
  // batch of short ones pay for its width. Results go back to their input order.
  const maxPadding = opts.maxPadding ?? 0.25;
  if (!(maxPadding >= 0 && maxPadding <= 1)) throw new Error(`maxPadding must be within 0..1 (got ${maxPadding})`);
  const order = prepared.map((_, i) => i).sort((a, b) => prepared[b].ids.length - prepared[a].ids.length || a - b);
  const batches: number[][] = [];
  for (const i of order) {
    const open = batches.at(-1);
    const longest = open ? prepared[open[0]].ids.length : 0;
    if (open && open.length < batchSize && prepared[i].ids.length >= longest * (1 - maxPadding)) open.push(i);
    else batches.push([i]);
  }
  const results = new Array<OptionScores>(items.length);

  for (const chunk of batches) {
    const packed = packBatch(chunk.map((i) => prepared[i].ids), padding, model.padTokenId);
    const { logits, vocab } = await model.forward(packed);
    const offsets = chunk.map((itemIndex, row) => (row * packed.seq + packed.starts[row] + prepared[itemIndex].ids.length - 1) * vocab);
    const logProbs = await logProbsAt(vocab, chunk.map((itemIndex, row) => ({ logits, offset: offsets[row], ids: prepared[itemIndex].letters })));
    chunk.forEach((itemIndex, row) => {
      const p = prepared[itemIndex];
      const scores = p.letters.map((id) => logits[offsets[row] + id]);
      results[itemIndex] = optionScores("letter", items[itemIndex].question, scores, logProbs[row], p.letters.map(() => 1), p.ids.length, p.truncated);
    });
  }
  return results;
}
