/**
 * Format detection from the file name and the first non-blank line (read with the same line-length
 * limit as the import, so detection cannot be made to buffer a huge line either).
 */
import path from "node:path";
import { badInput } from "../errors";
import { PLAUT_HEADER, PLAUT_ROW } from "./formats/plaut";
import { taskFromFileName } from "./formats/task-name";
import { readLineBatches } from "./lines";
import type { Format } from "./record";

export async function firstLine(file: string, name: string, maxLineBytes: number): Promise<string | null> {
  // 64 KiB reads: detection usually needs only the first line.
  for await (const batch of readLineBatches(file, { name, maxLineBytes, highWaterMark: 1 << 16 })) {
    for (const l of batch.lines) if (l.trim() !== "") return l;
  }
  return null;
}

/** Decides the format of one file from its name and first line; null when the file has no content. */
export function detectFormat(name: string, first: string): Format | null {
  const base = path.basename(name);
  const t = first.trim();
  if (PLAUT_HEADER.test(t) || PLAUT_ROW.test(t)) return "plaut";
  if (t.startsWith("{")) {
    if (taskFromFileName(base)) return "lm-eval";
    // Keys of an lm-eval sample, checked on the text so a malformed first line still gets a format
    // (and then its precise parse error).
    if (/"doc_id"\s*:/.test(t) && /"(filtered_)?resps"\s*:/.test(t)) return "lm-eval";
    return "scores-jsonl";
  }
  if (/\.(csv|tsv)$/i.test(base) || /^"?[\w .-]+"?(,"?[\w .-]*"?)+$/.test(t)) return "scores-csv";
  return null;
}

export async function detectFileFormat(file: string, name: string, maxLineBytes: number): Promise<Format> {
  const first = await firstLine(file, name, maxLineBytes);
  if (first === null) throw badInput(`empty file`, { file: name });
  const f = detectFormat(name, first);
  if (!f)
    throw badInput(`cannot detect the format (lm-eval, scores-jsonl, scores-csv or plaut): pass --format`, {
      file: name,
      line: 1,
    });
  return f;
}
