/**
 * Streaming line reader: yields the lines of a file in runs (one per read chunk) with their 1-based line numbers,
 * never holding more than one chunk plus one line in memory. A line longer than the limit is rejected as soon as it
 * crosses it, so a newline-free multi-GB file cannot exhaust memory. Bytes must be valid UTF-8 (checked per chunk,
 * natively): invalid input is refused with its line, never decoded with replacement characters.
 */
import { createReadStream } from "node:fs";
import { tooLarge } from "../limits";
import { grown } from "../../typed-grow";
import { invalidUtf8, isAscii, isUtf8 } from "./utf8";

/**
 * Consecutive lines as one string: line k (numbered first + k) is text.slice(starts[k], ends[k]), without its
 * newline, a CR before it, or the file's byte-order mark. One flat string per chunk rather than a string per line:
 * the scores scan reads a flat string's characters faster than a slice's, and a chunk's ~12k line objects are not
 * allocated (nor copied by the young-generation GC while the chunk is parsed).
 */
export interface LineRun {
  first: number;
  count: number;
  text: string;
  starts: Int32Array;
  ends: Int32Array;
}

export interface LineBatch {
  /** Line number of lines[0]; the others follow consecutively. */
  first: number;
  lines: string[];
}

export interface ReadLinesOptions {
  /** Name used in error messages (file:line). */
  name: string;
  maxLineBytes: number;
  /** Sees every raw chunk before it is split (hashing, progress). */
  onChunk?: (chunk: Buffer) => void;
  /** Read size; 1 MiB keeps syscalls and batch overhead low without holding much memory. */
  highWaterMark?: number;
}

const NL = 0x0a;
const CR = 0x0d;

/** Line k of a run as its own string. */
export function lineOf(run: LineRun, k: number): string {
  return run.text.slice(run.starts[k], run.ends[k]);
}

/** The lines of a file, one string each, in batches (callers that want strings: datasets, tests, bench:libraries). */
export async function* readLineBatches(path: string, opts: ReadLinesOptions): AsyncGenerator<LineBatch> {
  for await (const run of readLineRuns(path, opts)) {
    const lines = new Array<string>(run.count);
    for (let k = 0; k < run.count; k++) lines[k] = lineOf(run, k);
    yield { first: run.first, lines };
  }
}

export async function* readLineRuns(path: string, opts: ReadLinesOptions): AsyncGenerator<LineRun> {
  const stream = createReadStream(path, { highWaterMark: opts.highWaterMark ?? 1 << 20 });
  const max = opts.maxLineBytes;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let lineNo = 1;
  let atStart = true;

  const overLong = (line: number) =>
    tooLarge(`line longer than ${max} bytes (ATLAS_IMPORT_MAX_LINE_BYTES)`, { file: opts.name, line });

  /** The lines of `bytes` (whole lines, without the newline after the last), checked and decoded once. */
  const run = (bytes: Buffer): LineRun => {
    const ascii = isAscii(bytes);
    // A newline byte never occurs inside a multi-byte sequence, so a run of whole lines can be validated on its own;
    // only when it is invalid, or could hold a line over the limit, are its lines checked one by one, to name the
    // first bad one (a line over the limit before one with invalid bytes, as a reader going line by line would).
    const valid = ascii || isUtf8(bytes);
    if (!valid || bytes.length > max) {
      for (let pos = 0, k = 0; pos <= bytes.length; k++) {
        const nl = bytes.indexOf(NL, pos);
        const end = nl < 0 ? bytes.length : nl;
        if (end - pos > max) throw overLong(lineNo + k);
        if (!valid && !isUtf8(bytes.subarray(pos, end)))
          throw invalidUtf8(bytes.subarray(pos, end), { file: opts.name, line: lineNo + k });
        pos = end + 1;
      }
    }
    // ASCII (the common scores file: ids, codes and numbers) decoded as Latin-1 is the same string, and V8 then
    // copies bytes instead of running its UTF-8 decoder: decoding and splitting 100 MB of scores JSONL took ~45 ms
    // this way against ~330 ms.
    const text = ascii ? bytes.toString("latin1") : bytes.toString("utf8");
    let starts = new Int32Array(Math.max(16, bytes.length >> 6));
    let ends = new Int32Array(starts.length);
    let count = 0;
    let pos = 0;
    if (atStart) {
      atStart = false;
      if (text.charCodeAt(0) === 0xfeff) pos = 1; // UTF-8 byte-order mark
    }
    const crs = bytes.indexOf(CR) !== -1;
    for (;;) {
      const nl = text.indexOf("\n", pos);
      const end = nl < 0 ? text.length : nl;
      if (count === starts.length) {
        starts = grown(starts, count + 1);
        ends = grown(ends, count + 1);
      }
      starts[count] = pos;
      ends[count] = crs && end > pos && text.charCodeAt(end - 1) === CR ? end - 1 : end;
      count++;
      if (nl < 0) break;
      pos = nl + 1;
    }
    const r = { first: lineNo, count, text, starts, ends };
    lineNo += count;
    return r;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    opts.onChunk?.(chunk);
    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl >= 0) {
      // The line the chunks before began, on its own (copying just it), then the chunk's other whole lines.
      let from = 0;
      if (pendingLen > 0) {
        const nl = chunk.indexOf(NL);
        if (pendingLen + nl > max) throw overLong(lineNo);
        pending.push(chunk.subarray(0, nl));
        const line = Buffer.concat(pending, pendingLen + nl);
        pending = [];
        pendingLen = 0;
        yield run(line);
        from = nl + 1;
      }
      if (from <= lastNl) yield run(chunk.subarray(from, lastNl));
    }
    // The start of a line that goes on in the next chunk (all of the chunk when it has no newline).
    if (lastNl + 1 < chunk.length) {
      pendingLen += chunk.length - lastNl - 1;
      if (pendingLen > max) throw overLong(lineNo);
      // Copy: a subarray would pin the whole 1 MiB chunk.
      pending.push(Buffer.from(chunk.subarray(lastNl + 1)));
    }
  }
  // The last line, when the file does not end with a newline.
  if (pendingLen > 0) yield run(Buffer.concat(pending, pendingLen));
}
