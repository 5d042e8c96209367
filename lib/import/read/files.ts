/**
 * Expands the import's inputs (files and directories) into a sorted list of data files, with the
 * size limit checked before anything is read. Directories are walked recursively; only data-like
 * files are taken (.jsonl, .ndjson, .csv, .txt), so an lm-eval output folder's results_*.json and a
 * README or LICENSE beside the data are skipped.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { badInput } from "../../errors";
import { tooLarge } from "../limits";

export interface InputFile {
  path: string;
  /** Display name: the given name, the base name, or dir/relative for files found in a directory. */
  name: string;
  bytes: number;
}

const DATA_FILE = /\.(jsonl|ndjson|csv|txt)$/i;
const SKIP = /^(readme|license|licence|notice)(\..*)?$/i;

export async function resolveInputs(
  inputs: string[],
  names: (string | undefined)[] = [],
  maxFileBytes: number,
): Promise<InputFile[]> {
  if (inputs.length === 0) throw badInput(`no input files`, { field: "file" });
  const out: InputFile[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const p = inputs[i];
    const display = names[i] ?? path.basename(p);
    const st = await stat(p).catch((e: NodeJS.ErrnoException) => {
      throw badInput(e.code === "ENOENT" ? `file not found` : `cannot read: ${e.message}`, { file: display });
    });
    if (st.isDirectory()) {
      const found = await walk(p);
      if (found.length === 0)
        throw badInput(`no data files (.jsonl, .csv, .txt) in directory`, { file: display });
      for (const f of found)
        out.push(await checked(f, path.join(display, path.relative(p, f)), maxFileBytes));
    } else out.push(await checked(p, display, maxFileBytes, st.size));
  }
  return out;
}

/** Appends into one list (no spread of a subfolder's list into push: a folder may hold any number of files). */
async function walk(dir: string, files: string[] = []): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, files);
    else if (e.isFile() && DATA_FILE.test(e.name) && !SKIP.test(e.name)) files.push(full);
  }
  return files;
}

async function checked(p: string, name: string, maxFileBytes: number, size?: number): Promise<InputFile> {
  const bytes = size ?? (await stat(p)).size;
  if (bytes > maxFileBytes) {
    throw tooLarge(`file is ${bytes} bytes, over the ${maxFileBytes}-byte limit (ATLAS_IMPORT_MAX_BYTES)`, {
      file: name,
    });
  }
  if (bytes === 0) throw badInput(`empty file`, { file: name });
  return { path: p, name, bytes };
}
