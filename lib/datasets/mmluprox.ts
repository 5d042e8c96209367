/**
 * MMLU-ProX rows (li-lab/MMLU-ProX): question_id, question, option_0..option_9, answer (a letter A–J),
 * answer_index, category, src (the question's origin, e.g. "ori_mmlu-high_school_physics"); other columns
 * (cot_content, …) are ignored. Questions have up to ten options:
 * unused ones are trailing null, empty or "N/A" values and are dropped; an unused option followed by a used
 * one is an error (it would shift the letters). answer and answer_index must agree when both are given.
 */
import { badInput } from "../errors";
import { idText, letterIndex, optionalIndex, optionalText, requiredText, sliceFields } from "./fields";
import { SLICE_KEYS } from "../slices/fields";
import type { DatasetFile, DatasetQuestion, RawRow } from "./types";

export const MMLUPROX_OPTION_FIELDS = Array.from({ length: 10 }, (_, i) => `option_${i}`);

const unused = (text: string | null): boolean => text === null || text.trim() === "" || text.trim() === "N/A";

export function mmluProxQuestion(row: RawRow, file: DatasetFile): DatasetQuestion {
  const texts = MMLUPROX_OPTION_FIELDS.map((field) => optionalText(row, field));
  let count = texts.length;
  while (count > 0 && unused(texts[count - 1])) count--;
  const gap = texts.slice(0, count).findIndex(unused);
  if (gap >= 0) throw badInput(`unused option before option_${count - 1}`, { ...row.where, field: MMLUPROX_OPTION_FIELDS[gap] });
  if (count < 2) throw badInput(`a question needs at least 2 options (found ${count})`, { ...row.where, field: "option_0" });
  const options = texts.slice(0, count) as string[];

  const index = optionalIndex(row, "answer_index");
  const hasLetter = optionalText(row, "answer") !== null;
  if (index === null && !hasLetter) throw badInput("missing answer (neither answer nor answer_index)", { ...row.where, field: "answer" });
  if (index !== null && index >= count) throw badInput(`answer_index ${index} is beyond the ${count} options`, { ...row.where, field: "answer_index" });
  const gold = hasLetter ? letterIndex(row, "answer", count) : (index as number);
  if (index !== null && index !== gold) {
    throw badInput(`answer_index ${index} disagrees with answer "${requiredText(row, "answer").trim()}"`, { ...row.where, field: "answer_index" });
  }
  return {
    externalId: idText(row, "question_id").trim(),
    language: file.language,
    subject: requiredText(row, "category").trim(),
    question: requiredText(row, "question"),
    options,
    gold,
    slice: sliceFields(row, SLICE_KEYS),
    split: file.split,
  };
}
