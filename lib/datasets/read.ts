/**
 * Reads dataset files into normalised questions. The layout (GlobalMMLU or MMLU-ProX) is the caller's or is
 * recognised from the columns of the first row: option_a… is GlobalMMLU, option_0… is MMLU-ProX.
 *
 * Everything is read batch by batch (rows.ts): `scanDataset` streams a whole dataset holding one batch of questions
 * at a time, which is how planning reads a whole benchmark (~600k questions); `loadDataset` collects the same
 * batches for callers that want every question at once (one language's split, tests).
 */
import { badInput } from "../errors";
import { listDatasetFiles, type DatasetFileOptions } from "./files";
import { globalMmluQuestion } from "./globalmmlu";
import { mmluProxQuestion } from "./mmluprox";
import { rawRowBatches } from "./rows";
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

/** Some consecutive questions of one file (a 1 MiB read of JSONL or CSV, one Parquet row group). */
export type QuestionBatch = DatasetFileContent;

export function detectLayout(row: RawRow): DatasetLayout | null {
  if ("option_a" in row.values) return "globalmmlu";
  if ("option_0" in row.values) return "mmluprox";
  return null;
}

/** The questions of one file, batch by batch, each row checked as it comes; ids must be unique within the file. */
export async function* fileQuestionBatches(file: DatasetFile, opts: ReadDatasetOptions = {}): AsyncGenerator<QuestionBatch> {
  let layout: DatasetLayout | null = null;
  const seen = new Set<string>();
  for await (const rows of rawRowBatches(file.path, file.format)) {
    if (!layout) {
      layout = opts.layout ?? detectLayout(rows[0]);
      if (!layout) {
        throw badInput("cannot tell the layout: expected GlobalMMLU columns (option_a…option_d) or MMLU-ProX columns (option_0…option_9)", { file: file.path });
      }
    }
    const toQuestion = layout === "globalmmlu" ? globalMmluQuestion : mmluProxQuestion;
    const idField = layout === "globalmmlu" ? "sample_id" : "question_id";
    const questions = rows.map((row) => {
      const q = toQuestion(row, file);
      if (seen.has(q.externalId)) throw badInput(`duplicate id "${q.externalId}"`, { ...row.where, field: idField });
      seen.add(q.externalId);
      return q;
    });
    yield { file, layout, questions };
  }
  if (!layout) throw badInput("no rows", { file: file.path });
}

export async function readDatasetFile(file: DatasetFile, opts: ReadDatasetOptions = {}): Promise<DatasetFileContent> {
  let layout: DatasetLayout | null = null;
  const questions: DatasetQuestion[] = [];
  for await (const batch of fileQuestionBatches(file, opts)) {
    layout = batch.layout;
    for (const q of batch.questions) questions.push(q);
  }
  return { file, layout: layout!, questions };
}

const groupKey = (f: DatasetFile) => `${f.language}\u0000${f.split}`;

/**
 * The questions of `files`, in the order given, batch by batch, with every check of a whole dataset: all files in one
 * layout (that of the first file), and an id at most once per language and split, across files too (e.g. a folder
 * holding both a .jsonl and a .parquet copy). Memory: one batch of questions, one file's ids, and — only for a
 * language and split spread over several files — that split's ids until its last file has been read.
 */
export async function* scanDataset(files: readonly DatasetFile[], opts: ReadDatasetOptions = {}): AsyncGenerator<QuestionBatch> {
  const fileCount = new Map<string, number>();
  const lastFile = new Map<string, number>();
  files.forEach((f, i) => {
    fileCount.set(groupKey(f), (fileCount.get(groupKey(f)) ?? 0) + 1);
    lastFile.set(groupKey(f), i);
  });
  const owners = new Map<string, Map<string, string>>();
  let layout: DatasetLayout | null = null;
  for (const [i, file] of files.entries()) {
    const key = groupKey(file);
    let owner: Map<string, string> | null = null;
    if (fileCount.get(key)! > 1) {
      owner = owners.get(key) ?? new Map<string, string>();
      owners.set(key, owner);
    }
    for await (const batch of fileQuestionBatches(file, opts)) {
      layout ??= batch.layout;
      if (batch.layout !== layout) throw badInput(`${batch.layout} file among ${layout} files: give one benchmark at a time`, { file: file.path });
      if (owner) {
        for (const q of batch.questions) {
          const prev = owner.get(q.externalId);
          if (prev !== undefined && prev !== file.path) {
            throw badInput(`question "${q.externalId}" (${q.language}, ${q.split}) is also in ${prev}`, { file: file.path });
          }
          owner.set(q.externalId, file.path);
        }
      }
      yield batch;
    }
    if (lastFile.get(key) === i) owners.delete(key);
  }
}

export interface LoadDatasetOptions extends DatasetFileOptions, ReadDatasetOptions {}

export interface LoadedDataset {
  layout: DatasetLayout;
  files: DatasetFile[];
  questions: DatasetQuestion[];
}

/** Every question of a file or folder (see files.ts for the accepted names), in file order. All files must share one layout. */
export async function loadDataset(input: string, opts: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const files = listDatasetFiles(input, opts);
  let layout: DatasetLayout | null = null;
  const questions: DatasetQuestion[] = [];
  for await (const batch of scanDataset(files, opts)) {
    layout ??= batch.layout;
    for (const q of batch.questions) questions.push(q);
  }
  return { layout: layout!, files, questions };
}
