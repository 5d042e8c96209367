/**
 * JSON lines of per-question scores:
 *   {"id": "q1", "language": "de", "probs": [0.1, 0.7, 0.1, 0.1], "label": 1}
 * Scores as one array (`probs` | `logprobs` | `logits`) or one key per option (`p_0`…, `prob_A`…).
 * Optional: `subject`, `question`/`text`, `options`/`choices` (option texts), and the slice attributes
 * `subject_category` (or `category`), `cultural_sensitivity_label`, `src` (lib/slices/fields.ts).
 */
import { badInput } from "../../../errors";
import type { FileContext, FormatSpec, ImportRecord, RecordParser } from "../record";
import { parseJsonObject } from "./json-line";
import { scannedLine, scanScoresLine, scanScoresRange } from "./scores-line-scan";
import { recordSliceFields } from "./slice-fields";
import {
  optionKey,
  orderOptionKeys,
  SCORE_ARRAY_KEYS,
  ScoresState,
  scoresRecord,
  type ScoresRow,
  type OptionKey,
  type ScoreKind,
} from "./scores-row";

export const scoresJsonl: FormatSpec = {
  name: "scores-jsonl",
  create(ctx: FileContext): RecordParser {
    const state = new ScoresState();
    // One getter for every row (the row it reads is set per line): a closure per row showed in the import profile.
    let o: Record<string, unknown> = {};
    // The common line shape is scanned into one reused object (scores-line-scan.ts); any other goes to JSON.parse.
    const scanned = scannedLine();
    const field = (k: string) => o[k];
    // One row object per file, refilled per line (scoresRecord keeps none of it): no per-row allocation for it.
    const row: ScoresRow = {
      id: undefined,
      language: undefined,
      subject: undefined,
      slice: undefined,
      text: undefined,
      options: undefined,
      label: undefined,
      kind: "probs",
      values: [],
    };
    /** A line the scan gave up on: JSON.parse decides (and names what is wrong). */
    const parsed = (text: string, line: number): ImportRecord | null =>
      text.trim() === "" ? null : record(parseJsonObject(text, ctx.name, line), line);
    const record = (from: Record<string, unknown>, line: number): ImportRecord => {
      o = from;
      scoreValues(o, row, ctx.name, line);
      row.id = o.id ?? o.question_id ?? o.sample_id ?? o.doc_id;
      row.language = o.language ?? o.lang;
      row.subject = o.subject ?? o.category;
      row.slice = recordSliceFields(field, ctx, line);
      row.text = o.question ?? o.text;
      row.options = o.options ?? o.choices;
      row.label = o.label ?? o.gold ?? o.answer_index ?? o.answer;
      const rec = scoresRecord(row, ctx, line, state);
      row.values = NONE; // the row's array now belongs to the record
      return rec;
    };
    return {
      line(text: string, line: number): ImportRecord | null {
        return scanScoresLine(text, scanned) ? record(scanned, line) : parsed(text, line);
      },
      lineIn(text: string, start: number, end: number, line: number): ImportRecord | null {
        return scanScoresRange(text, start, end, scanned) ? record(scanned, line) : parsed(text.slice(start, end), line);
      },
      end() {},
      scoringMethod: () => state.kind,
    };
  },
};

const NONE: unknown[] = [];

/** Sets row.kind and row.values from the scores the object gives. */
function scoreValues(o: Record<string, unknown>, row: ScoresRow, file: string, line: number): void {
  // Common case first, without allocating: exactly one of the array keys.
  const kind: ScoreKind | null =
    o.probs !== undefined
      ? "probs"
      : o.logprobs !== undefined
        ? "logprobs"
        : o.logits !== undefined
          ? "logits"
          : null;
  if (kind) {
    const count =
      (o.probs !== undefined ? 1 : 0) + (o.logprobs !== undefined ? 1 : 0) + (o.logits !== undefined ? 1 : 0);
    const arrays = count > 1 ? SCORE_ARRAY_KEYS.filter((k) => o[k] !== undefined) : [];
    if (count > 1)
      throw badInput(`gives both ${arrays.join(" and ")}; give one`, { file, line, field: arrays[1] });
    const v = o[kind];
    if (!Array.isArray(v)) throw badInput(`${kind} must be an array`, { file, line, field: kind });
    row.kind = kind;
    row.values = v;
    return;
  }
  const cols: { key: OptionKey; value: unknown }[] = [];
  for (const [k, value] of Object.entries(o)) {
    const key = optionKey(k);
    if (key) cols.push({ key, value });
  }
  if (cols.length === 0) {
    throw badInput(
      `no scores: expected "probs", "logprobs" or "logits" (an array) or per-option fields such as p_0, prob_A`,
      { file, line },
    );
  }
  const ordered = orderOptionKeys(cols, { file, line });
  row.kind = ordered.kind;
  row.values = ordered.ordered.map((c) => c.value);
}
