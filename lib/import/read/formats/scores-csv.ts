/**
 * CSV of per-question scores, with a header row:
 *   id,language,label,p_0,p_1,p_2,p_3          (one column per option; trailing empty cells = fewer options)
 *   id,language,label,probs                    (one column holding "[0.1,0.2,…]" or "0.1;0.2;…")
 * Column names as in the JSONL format (probs | logprobs | logits, p_0 / prob_A / logit_0 …, and the slice
 * attributes subject_category / category, cultural_sensitivity_label, src).
 */
import { badInput } from "../../../errors";
import { SLICE_KEYS } from "../../../slices/fields";
import { CsvReader } from "../csv";
import type { FileContext, FormatSpec, ImportRecord, RecordParser } from "../record";
import {
  optionKey,
  orderOptionKeys,
  SCORE_ARRAY_KEYS,
  ScoresState,
  scoresRecord,
  type ScoreKind,
} from "./scores-row";
import { recordSliceFields } from "./slice-fields";

interface Layout {
  width: number;
  id: number;
  language: number;
  label: number;
  subject: number;
  /** Column of each slice key present in the header (lib/slices/fields.ts SLICE_KEYS). */
  sliceColumns: Map<string, number>;
  text: number;
  options: number;
  kind: ScoreKind;
  /** One column holding the whole array, or one column per option. */
  arrayColumn: number;
  optionColumns: number[];
}

export const scoresCsv: FormatSpec = {
  name: "scores-csv",
  create(ctx: FileContext): RecordParser {
    const reader = new CsvReader(ctx.name, ctx.maxLineBytes);
    const state = new ScoresState();
    let layout: Layout | null = null;
    return {
      line(text: string, lineNo: number): ImportRecord | null {
        const rec = reader.push(text, lineNo);
        if (!rec) return null;
        if (rec.fields.length === 1 && rec.fields[0].trim() === "") return null; // blank line
        if (!layout) {
          layout = headerLayout(rec.fields, ctx.name, rec.line);
          return null;
        }
        const f = rec.fields;
        if (f.length !== layout.width) {
          throw badInput(`${f.length} fields but the header has ${layout.width}`, {
            file: ctx.name,
            line: rec.line,
          });
        }
        const cell = (i: number) => (i >= 0 ? f[i].trim() : undefined);
        return scoresRecord(
          {
            id: cell(layout.id),
            language: cell(layout.language) || undefined,
            subject: cell(layout.subject),
            slice: recordSliceFields((k) => cell(layout!.sliceColumns.get(k) ?? -1), ctx, rec.line),
            text: layout.text >= 0 ? f[layout.text] : undefined,
            options: layout.options >= 0 ? optionsCell(f[layout.options], ctx.name, rec.line) : undefined,
            label: cell(layout.label),
            kind: layout.kind,
            values:
              layout.arrayColumn >= 0
                ? arrayCell(f[layout.arrayColumn], layout.kind, ctx.name, rec.line)
                : perOption(f, layout.optionColumns),
          },
          ctx,
          rec.line,
          state,
        );
      },
      end() {
        reader.finish();
      },
      scoringMethod: () => state.kind,
    };
  },
};

function headerLayout(fields: string[], file: string, line: number): Layout {
  const names = fields.map((n) => n.trim().toLowerCase());
  const find = (...aliases: string[]) => {
    for (const a of aliases) {
      const i = names.indexOf(a);
      if (i >= 0) return i;
    }
    return -1;
  };
  const id = find("id", "question_id", "sample_id", "doc_id");
  if (id < 0)
    throw badInput(`header has no id column (id, question_id, sample_id or doc_id)`, {
      file,
      line,
      field: "id",
    });
  const label = find("label", "gold", "answer_index", "answer");
  if (label < 0)
    throw badInput(`header has no label column (label, gold, answer_index or answer)`, {
      file,
      line,
      field: "label",
    });
  const arrays = SCORE_ARRAY_KEYS.filter((k) => names.includes(k));
  const optionCols = names.flatMap((n, i) => {
    const key = optionKey(n);
    return key ? [{ key, i }] : [];
  });
  let kind: ScoreKind;
  let arrayColumn = -1;
  let optionColumns: number[] = [];
  if (arrays.length + (optionCols.length > 0 ? 1 : 0) > 1) {
    throw badInput(`header has more than one kind of score column`, { file, line });
  } else if (arrays.length === 1) {
    kind = arrays[0];
    arrayColumn = names.indexOf(kind);
  } else if (optionCols.length > 0) {
    const o = orderOptionKeys(optionCols, { file, line });
    kind = o.kind;
    optionColumns = o.ordered.map((c) => c.i);
  } else {
    throw badInput(
      `header has no score columns: probs, logprobs, logits, or per-option columns such as p_0, prob_A`,
      { file, line },
    );
  }
  return {
    width: fields.length,
    id,
    language: find("language", "lang"),
    label,
    subject: find("subject", "category"),
    sliceColumns: new Map(
      [...SLICE_KEYS.category, ...SLICE_KEYS.cultural, ...SLICE_KEYS.src].flatMap((k) => (names.includes(k) ? [[k, names.indexOf(k)] as const] : [])),
    ),
    text: find("question", "text"),
    options: find("options", "choices"),
    kind,
    arrayColumn,
    optionColumns,
  };
}

/** Per-option cells; trailing empty cells mean the question has fewer options (ARC has 3–5). */
function perOption(f: string[], cols: number[]): string[] {
  const values = cols.map((i) => f[i].trim());
  while (values.length > 0 && values[values.length - 1] === "") values.pop();
  return values;
}

/** A whole score array in one cell: JSON "[0.1, 0.2]", or separated by ";", "|" or spaces. */
function arrayCell(raw: string, kind: ScoreKind, file: string, line: number): string[] {
  const s = raw.trim();
  if (s === "") throw badInput(`empty ${kind} cell`, { file, line, field: kind });
  const inner =
    s.startsWith("[") || s.startsWith("{")
      ? s.slice(1, s.endsWith("]") || s.endsWith("}") ? -1 : undefined)
      : s;
  if (inner.length === s.length - 1)
    throw badInput(`unclosed array in ${kind} cell`, { file, line, field: kind });
  return inner.split(/[;,|\s]+/).filter((x) => x !== "");
}

function optionsCell(raw: string, file: string, line: number): unknown {
  const s = raw.trim();
  if (s === "") return undefined;
  try {
    return JSON.parse(s);
  } catch {
    throw badInput(`options must be a JSON array of strings`, { file, line, field: "options" });
  }
}
