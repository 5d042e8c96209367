/**
 * Which files a dataset path means, and their language and split. Accepted:
 *
 *   a file     <anything>.parquet | .jsonl | .csv
 *   a folder   searched (4 levels deep) for such files, e.g. the Hugging Face layout
 *              `<lang>/test-00000-of-00001.parquet`, or flat `test_<lang>.jsonl`, `<lang>_dev.csv`
 *
 * Split: a name part `test`, or `dev` / `validation` / `val` (MMLU-ProX's few-shot split is "validation").
 * Language: a known language code among the name parts, or the one other 2–3 letter part of a name that has a
 * split part (`test_am.jsonl`, `sw-validation.csv`, `test_fil.jsonl`), else the parent
 * folder when it is a known language code (`am/test.parquet`), else the caller's `language`. Name parts are
 * separated by `_`, `-` or `.`; shard parts (`00000`, `of`) are ignored.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { badInput } from "../errors";
import { LANGUAGE_BY_CODE } from "../languages";
import type { DatasetFile, DatasetFormat, DatasetSplit } from "./types";

export interface DatasetFileOptions {
  /** For a file: its language (overrides the name). For a folder: keep only this language's files. */
  language?: string;
  /** For a file: its split (overrides the name). For a folder: keep only this split's files. */
  split?: DatasetSplit;
}

const FORMATS: Record<string, DatasetFormat> = { ".parquet": "parquet", ".jsonl": "jsonl", ".csv": "csv" };
const SPLITS: Record<string, DatasetSplit> = { test: "test", dev: "dev", validation: "dev", val: "dev" };
const LANGUAGE_CODE = /^[a-z]{2,3}([-_][a-z0-9]{2,8})*$/i;
const MAX_DEPTH = 4;

export function formatOf(file: string): DatasetFormat | null {
  return FORMATS[path.extname(file).toLowerCase()] ?? null;
}

/** What a file's name says: its split and language, each when unambiguous. */
export function describeName(file: string): { split?: DatasetSplit; language?: string } {
  const base = path.basename(file, path.extname(file)).toLowerCase();
  const parts = base.split(/[_.-]+/).filter((p) => p && p !== "of" && !/^\d+$/.test(p));
  const splits = new Set(parts.filter((p) => p in SPLITS).map((p) => SPLITS[p]));
  const split = splits.size === 1 ? [...splits][0] : undefined;
  const candidates = parts.filter((p) => !(p in SPLITS) && /^[a-z]{2,3}$/.test(p));
  const known = candidates.filter((p) => LANGUAGE_BY_CODE.has(p));
  // A known code wins; an unknown 2–3 letter part only counts beside a split word (`test_fil`), so that
  // words like "bad" or "raw" in other names are not taken for languages.
  let language = known.length === 1 ? known[0] : candidates.length === 1 && split ? candidates[0] : undefined;
  if (!language) {
    const parent = path.basename(path.dirname(file)).toLowerCase();
    if (LANGUAGE_BY_CODE.has(parent)) language = parent;
  }
  return { split, language };
}

function checkLanguageOption(language: string | undefined): void {
  if (language !== undefined && !LANGUAGE_CODE.test(language)) {
    throw badInput(`"${language}" is not a language code (e.g. "sw", "zh", "pt-BR")`, { field: "language" });
  }
}

function walk(dir: string, depth: number, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && depth < MAX_DEPTH) walk(full, depth + 1, out);
    else if (entry.isFile() && formatOf(full)) out.push(full);
  }
}

const NAMING = "name it like test_<lang>.jsonl, <lang>_dev.csv or <lang>/test.parquet";

export function listDatasetFiles(input: string, opts: DatasetFileOptions = {}): DatasetFile[] {
  checkLanguageOption(opts.language);
  let stat;
  try {
    stat = statSync(input);
  } catch {
    throw badInput("no such file or directory", { file: input });
  }
  if (stat.isFile()) {
    const format = formatOf(input);
    if (!format) throw badInput("not a .parquet, .jsonl or .csv file", { file: input });
    const named = describeName(input);
    const language = opts.language ?? named.language;
    const split = opts.split ?? named.split;
    if (!language) throw badInput(`cannot tell the language from the file name: ${NAMING}, or give the language`, { file: input, field: "language" });
    if (!split) throw badInput(`cannot tell the split (test or dev/validation) from the file name: ${NAMING}, or give the split`, { file: input, field: "split" });
    return [{ path: input, format, language, split }];
  }

  const found: string[] = [];
  walk(input, 1, found);
  const files: DatasetFile[] = [];
  for (const file of found) {
    const named = describeName(file);
    if (opts.language && named.language && named.language !== opts.language.toLowerCase()) continue;
    if (opts.split && named.split && named.split !== opts.split) continue;
    const language = named.language ?? opts.language;
    const split = named.split ?? opts.split;
    if (!language) throw badInput(`cannot tell the language of this file: ${NAMING}, or give the language`, { file, field: "language" });
    if (!split) throw badInput(`cannot tell the split of this file (test or dev/validation): ${NAMING}, or give the split`, { file, field: "split" });
    files.push({ path: file, format: formatOf(file)!, language, split });
  }
  if (files.length === 0) throw badInput("no matching .parquet, .jsonl or .csv files in this directory", { file: input });
  return files;
}
