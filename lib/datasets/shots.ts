/**
 * Few-shot examples, MMLU style: the first k dev questions of the same subject and language, in file order
 * (GlobalMMLU's dev split has 5 per subject, MMLU-ProX's validation split 5 per category).
 */
import type { DatasetQuestion } from "./types";

export function selectShots(dev: readonly DatasetQuestion[], question: Pick<DatasetQuestion, "subject" | "language">, k: number): DatasetQuestion[] {
  if (k <= 0) return [];
  return dev.filter((d) => d.split === "dev" && d.subject === question.subject && d.language === question.language).slice(0, k);
}
