/**
 * JSON lines of per-question scores:
 *   {"id": "q1", "language": "de", "probs": [0.1, 0.7, 0.1, 0.1], "label": 1}
 * Scores as one array (`probs` | `logprobs` | `logits`) or one key per option (`p_0`…, `prob_A`…).
 * Optional: `subject`, `question`/`text`, `options`/`choices` (option texts).
 */
import { badInput } from "../../errors";
import type { FileContext, FormatSpec, ImportRecord, RecordParser } from "../record";
import { parseJsonObject } from "./json-line";
import { optionKey, orderOptionKeys, SCORE_ARRAY_KEYS, ScoresState, scoresRecord, type OptionKey, type ScoreKind } from "./scores-row";

export const scoresJsonl: FormatSpec = {
  name: "scores-jsonl",
  create(ctx: FileContext): RecordParser {
    const state = new ScoresState();
    return {
      line(text: string, line: number): ImportRecord | null {
        if (text.trim() === "") return null;
        const o = parseJsonObject(text, ctx.name, line);
        const { kind, values } = scoreValues(o, ctx.name, line);
        return scoresRecord(
          {
            id: first(o, "id", "question_id", "sample_id", "doc_id"),
            language: first(o, "language", "lang"),
            subject: first(o, "subject", "category"),
            text: first(o, "question", "text"),
            options: first(o, "options", "choices"),
            label: first(o, "label", "gold", "answer_index", "answer"),
            kind,
            values,
          },
          ctx,
          line,
          state,
        );
      },
      end() {},
      scoringMethod: () => state.kind,
    };
  },
};

function first(o: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}

function scoreValues(o: Record<string, unknown>, file: string, line: number): { kind: ScoreKind; values: unknown[] } {
  const arrays = SCORE_ARRAY_KEYS.filter((k) => o[k] !== undefined);
  if (arrays.length > 1) throw badInput(`gives both ${arrays.join(" and ")}; give one`, { file, line, field: arrays[1] });
  if (arrays.length === 1) {
    const v = o[arrays[0]];
    if (!Array.isArray(v)) throw badInput(`${arrays[0]} must be an array`, { file, line, field: arrays[0] });
    return { kind: arrays[0], values: v };
  }
  const cols: { key: OptionKey; value: unknown }[] = [];
  for (const [k, value] of Object.entries(o)) {
    const key = optionKey(k);
    if (key) cols.push({ key, value });
  }
  if (cols.length === 0) {
    throw badInput(`no scores: expected "probs", "logprobs" or "logits" (an array) or per-option fields such as p_0, prob_A`, { file, line });
  }
  const { kind, ordered } = orderOptionKeys(cols, { file, line });
  return { kind, values: ordered.map((c) => c.value) };
}
