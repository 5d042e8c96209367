/**
 * Format detection from the file name and the first non-blank line. Bounded in time whatever the input: it reads
 * at most DETECT_PREFIX_BYTES of the file (a longer first line is judged on its start), and every regex here runs in
 * linear time (eslint's regexp and redos rules check that in CI). A CSV-header regex with
 * optional quotes, `(,"?[\w .-]*"?)+`, backtracks exponentially: an 82-byte first line freezes the process for hours.
 */
import { open } from "node:fs/promises";
import path from "node:path";
import { badInput } from "../../errors";
import { PLAUT_HEADER, PLAUT_ROW } from "./formats/plaut";
import { taskFromFileName } from "./formats/task-name";
import { tooLarge } from "../limits";
import type { Format } from "./record";
import { invalidUtf8, isUtf8 } from "./utf8";

/** Detection never reads more than this (1 MiB): enough for any header and for the keys of an lm-eval sample. */
export const DETECT_PREFIX_BYTES = 1 << 20;

/** A CSV header is a short line; a longer first line is not tested as one. */
const MAX_HEADER_CHARS = 1 << 16;

/** Header fields: word characters, spaces, dots and dashes, each optionally quoted. Linear: no field can start as two alternatives. */
const CSV_HEADER = /^(?:"[\w .-]*"|[\w .-]+)(?:,(?:"[\w .-]*"|[\w .-]*))+$/;

/**
 * The first non-blank line within the file's first DETECT_PREFIX_BYTES (cut there if longer), or null for a file
 * of blank lines. Invalid UTF-8 and a first line over the import's line limit are refused here already.
 */
export async function firstLine(file: string, name: string, maxLineBytes: number): Promise<string | null> {
  const fh = await open(file, "r");
  let buf: Buffer;
  try {
    const want = Math.min(DETECT_PREFIX_BYTES, maxLineBytes + 1);
    buf = Buffer.alloc(want);
    const { bytesRead } = await fh.read(buf, 0, want, 0);
    buf = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  let start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0; // UTF-8 byte-order mark
  let lineNo = 1;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl;
    if (nl < 0 && end - start > maxLineBytes)
      throw tooLarge(`line longer than ${maxLineBytes} bytes (ATLAS_IMPORT_MAX_LINE_BYTES)`, { file: name, line: lineNo });
    // A line cut at the prefix's end may end inside a character: drop up to 3 bytes of an unfinished sequence.
    const bytes = buf.subarray(start, nl < 0 ? trimPartialChar(buf, start, end) : end);
    if (!isUtf8(bytes)) throw invalidUtf8(bytes, { file: name, line: lineNo });
    const text = bytes.toString("utf8");
    if (text.trim() !== "") return text.endsWith("\r") ? text.slice(0, -1) : text;
    if (nl < 0) break;
    start = nl + 1;
    lineNo++;
  }
  return null;
}

/** End of the last complete UTF-8 character in buf[start, end). */
function trimPartialChar(buf: Buffer, start: number, end: number): number {
  for (let k = 1; k <= 3 && end - k >= start; k++) {
    const b = buf[end - k];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back for the lead byte
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return len > k ? end - k : end;
  }
  return end;
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
  if (/\.(csv|tsv)$/i.test(base) || (t.length <= MAX_HEADER_CHARS && CSV_HEADER.test(t))) return "scores-csv";
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
