/**
 * Reads dataset files into normalised questions. The layout (GlobalMMLU or MMLU-ProX) is the caller's or is
 * recognised from the columns of the first row: option_a… is GlobalMMLU, option_0… is MMLU-ProX.
 */
import { badInput } from "../errors";
import { listDatasetFiles, type DatasetFileOptions } from "./files";
import { globalMmluQuestion } from "./globalmmlu";
import { mmluProxQuestion } from "./mmluprox";
import { readRawRows } from "./rows";
import type { DatasetFile, DatasetLayout, DatasetQuestion, RawRow } from "./types";

export interface ReadDatasetOptions {
  /** Skip recognition and read every file as this layout. */
  layout?: DatasetLayout;
}

export interface DatasetFileContent {
  file: DatasetFile;
  layout: DatasetLayout;
  questions: DatasetQuestion[];
}

export function detectLayout(row: RawRow): DatasetLayout | null {
  if ("option_a" in row.values) return "globalmmlu";
  if ("option_0" in row.values) return "mmluprox";
  return null;
}

export async function readDatasetFile(file: DatasetFile, opts: ReadDatasetOptions = {}): Promise<DatasetFileContent> {
  const rows = await readRawRows(file.path, file.format);
  if (rows.length === 0) throw badInput("no rows", { file: file.path });
  const layout = opts.layout ?? detectLayout(rows[0]);
  if (!layout) {
    throw badInput("cannot tell the layout: expected GlobalMMLU columns (option_a…option_d) or MMLU-ProX columns (option_0…option_9)", { file: file.path });
  }
  const toQuestion = layout === "globalmmlu" ? globalMmluQuestion : mmluProxQuestion;
  const seen = new Set<string>();
  const questions = rows.map((row) => {
    const q = toQuestion(row, file);
    if (seen.has(q.externalId)) throw badInput(`duplicate id "${q.externalId}"`, { ...row.where, field: layout === "globalmmlu" ? "sample_id" : "question_id" });
    seen.add(q.externalId);
    return q;
  });
  return { file, layout, questions };
}

export interface LoadDatasetOptions extends DatasetFileOptions, ReadDatasetOptions {}

export interface LoadedDataset {
  layout: DatasetLayout;
  files: DatasetFile[];
  questions: DatasetQuestion[];
}

/** Every question of a file or folder (see files.ts for the accepted names). All files must share one layout. */
export async function loadDataset(input: string, opts: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const files = listDatasetFiles(input, opts);
  const contents: DatasetFileContent[] = [];
  for (const file of files) contents.push(await readDatasetFile(file, opts));
  const layout = contents[0].layout;
  const other = contents.find((c) => c.layout !== layout);
  if (other) throw badInput(`${other.layout} file among ${layout} files: give one benchmark at a time`, { file: other.file.path });
  // The same id twice in one language and split (e.g. a folder holding both a .jsonl and a .parquet copy).
  const owner = new Map<string, string>();
  for (const c of contents) {
    for (const q of c.questions) {
      const key = `${q.language}\u0000${q.split}\u0000${q.externalId}`;
      const prev = owner.get(key);
      if (prev !== undefined && prev !== c.file.path) {
        throw badInput(`question "${q.externalId}" (${q.language}, ${q.split}) is also in ${prev}`, { file: c.file.path });
      }
      owner.set(key, c.file.path);
    }
  }
  return { layout, files, questions: contents.flatMap((c) => c.questions) };
}
