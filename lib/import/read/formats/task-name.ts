/**
 * Language and subject from lm-evaluation-harness task names and sample-file names:
 *   samples_global_mmlu_full_de_abstract_algebra_2024-11-30T10-00-00.123456.jsonl
 *   → task global_mmlu_full_de_abstract_algebra → language de, subject abstract_algebra
 * Patterns: global_mmlu_[full_]<lang>[_<subject>], mmlu_prox_[lite_]<lang>[_<subject>], and the
 * generic <task>_<lang> where <lang> is a known language code (so `arc_challenge` is not "ge").
 */
import { LANGUAGE_BY_CODE } from "../../../languages";

export interface TaskInfo {
  task: string;
  language?: string;
  subject?: string;
}

const SAMPLES_FILE = /^samples_(.+?)(?:_(\d{4}-\d{2}-\d{2}T[\d.:-]+))?\.jsonl$/;
const GLOBAL_MMLU = /^global_mmlu_(?:full_)?([a-z]{2,3})(?:_(.+))?$/;
const MMLU_PROX = /^mmlu_prox_(?:lite_)?([a-z]{2,3})(?:_(.+))?$/;
const GENERIC = /^(.+)_([a-z]{2,3})$/;

/** The task name inside an lm-eval sample-file name, or null when the name does not follow the pattern. */
export function taskFromFileName(base: string): string | null {
  const m = SAMPLES_FILE.exec(base);
  return m ? m[1] : null;
}

export function parseTaskName(task: string): TaskInfo {
  const m = GLOBAL_MMLU.exec(task) ?? MMLU_PROX.exec(task);
  if (m) return { task, language: m[1], subject: m[2] };
  const g = GENERIC.exec(task);
  if (g && LANGUAGE_BY_CODE.has(g[2])) return { task, language: g[2] };
  return { task };
}
