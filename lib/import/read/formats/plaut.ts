/**
 * Per-option probability files as published with Plaut et al. (2024):
 *   grade confidence_levels
 *   Correct 0.01,0.93,0.02,0.01
 *   Wrong 0.40,0.35,0.05,0.10
 * The grade is that of the model's argmax answer; the gold index is not given. Probabilities are a
 * softmax over the whole vocabulary, so a row sums to at most 1 and is renormalised over the options.
 * Such runs are top-label only. Questions are identified by their position (0-based) in the file,
 * which is the published question order, so the files of different models share questions.
 */
import { badInput } from "../../../errors";
import { checkProbs, decide, finiteNumber, SUM_TOLERANCE } from "../numbers";
import type { FileContext, FormatSpec, ImportRecord, RecordParser } from "../record";

export const PLAUT_HEADER = /^grade\s+confidence_levels\s*$/;
export const PLAUT_ROW = /^(Correct|Wrong)\s+([^\s,]+(?:,[^\s,]+)*)\s*$/;

/** Plaut et al. evaluate English datasets (ARC, HellaSwag, MMLU, …): the language defaults to en. */
export const PLAUT_DEFAULT_LANGUAGE = "en";

export const plaut: FormatSpec = {
  name: "plaut",
  create(ctx: FileContext): RecordParser {
    let index = 0;
    let sawFirst = false;
    const language = ctx.options.language ?? PLAUT_DEFAULT_LANGUAGE;
    return {
      line(text: string, line: number): ImportRecord | null {
        if (text.trim() === "") return null;
        if (!sawFirst) {
          sawFirst = true;
          if (PLAUT_HEADER.test(text)) return null;
        }
        const m = PLAUT_ROW.exec(text);
        if (!m) throw badInput(`expected "Correct|Wrong p1,p2,…"`, { file: ctx.name, line });
        const where = { file: ctx.name, line, field: "confidence_levels" };
        const raw = m[2].split(",").map((v) => finiteNumber(v, where));
        const probs = checkProbs(raw, { renormalize: true }, where);
        const sum = raw.reduce((a, b) => a + b, 0);
        if (sum > 1 + SUM_TOLERANCE) throw badInput(`probabilities sum to ${sum} > 1`, where);
        const { predicted, confidence } = decide(probs);
        return {
          line,
          language,
          externalId: String(index++),
          subject: ctx.options.subject ?? null,
          text: null,
          options: [],
          optionCount: probs.length,
          gold: null,
          probs,
          logLikelihoods: null,
          predicted,
          confidence,
          correct: m[1] === "Correct",
        };
      },
      end() {},
      scoringMethod: () => "vocab-softmax-renormalised",
    };
  },
};
