/**
 * GlobalMMLU rows (CohereForAI/Global-MMLU): sample_id, subject, subject_category, question,
 * option_a..option_d, answer (a letter A–D), cultural_sensitivity_label (CS / CA, else unknown); other columns
 * (the remaining cultural annotations) are ignored.
 * All four options are required: the benchmark always has four.
 */
import { badInput } from "../errors";
import { idText, letterIndex, optionalText, requiredText, sliceFields } from "./fields";
import { SLICE_KEYS } from "../slices/fields";
import type { DatasetFile, DatasetQuestion, RawRow } from "./types";

export const GLOBALMMLU_OPTION_FIELDS = ["option_a", "option_b", "option_c", "option_d"];

export function globalMmluQuestion(row: RawRow, file: DatasetFile): DatasetQuestion {
  const options = GLOBALMMLU_OPTION_FIELDS.map((field) => {
    const text = optionalText(row, field);
    if (text === null) throw badInput("empty option (GlobalMMLU questions have four)", { ...row.where, field });
    return text;
  });
  return {
    externalId: idText(row, "sample_id"),
    language: file.language,
    subject: requiredText(row, "subject").trim(),
    question: requiredText(row, "question"),
    options,
    gold: letterIndex(row, "answer", options.length),
    slice: sliceFields(row, SLICE_KEYS),
    split: file.split,
  };
}
