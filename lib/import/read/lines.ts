/**
 * Streaming line reader: yields the lines of a file in batches (one batch per read chunk) with
 * their 1-based line numbers, never holding more than one chunk plus one line in memory. A line
 * longer than the limit is rejected as soon as it crosses it, so a newline-free multi-GB file
 * cannot exhaust memory. Bytes must be valid UTF-8 (checked per chunk, natively): invalid input is refused with its
 * line, never decoded with replacement characters.
 */
import { createReadStream } from "node:fs";
import { tooLarge } from "../limits";
import { invalidUtf8, isUtf8 } from "./utf8";

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

export async function* readLineBatches(path: string, opts: ReadLinesOptions): AsyncGenerator<LineBatch> {
  const stream = createReadStream(path, { highWaterMark: opts.highWaterMark ?? 1 << 20 });
  const max = opts.maxLineBytes;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let lineNo = 1;
  let atStart = true;

  const decode = (buf: Buffer, start: number, end: number): string => {
    let s = buf.toString("utf8", start, end);
    if (atStart) {
      atStart = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); // UTF-8 byte-order mark
    }
    return s.endsWith("\r") ? s.slice(0, -1) : s;
  };
  const overLong = () =>
    tooLarge(`line longer than ${max} bytes (ATLAS_IMPORT_MAX_LINE_BYTES)`, {
      file: opts.name,
      line: lineNo,
    });

  // A newline byte never occurs inside a multi-byte sequence, so runs of whole lines can be validated on their own.
  const checkLine = (buf: Buffer, start: number, end: number) => {
    if (!isUtf8(buf.subarray(start, end))) throw invalidUtf8(buf.subarray(start, end), { file: opts.name, line: lineNo });
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    opts.onChunk?.(chunk);
    const batch: LineBatch = { first: lineNo, lines: [] };
    let pos = 0;
    // The chunk's complete lines (after one continued from the last chunk, checked when assembled) in one call;
    // only when that fails is each line checked, to name the bad one.
    const lastNl = chunk.lastIndexOf(NL);
    const from = pendingLen > 0 ? chunk.indexOf(NL) + 1 : 0;
    const perLine = lastNl >= 0 && from <= lastNl && !isUtf8(chunk.subarray(from, lastNl));
    if (pendingLen > 0 && lastNl >= 0) {
      // The line the previous chunk began.
      const nl = chunk.indexOf(NL);
      if (pendingLen + nl > max) throw overLong();
      pending.push(chunk.subarray(0, nl));
      const whole = Buffer.concat(pending, pendingLen + nl);
      pending = [];
      pendingLen = 0;
      checkLine(whole, 0, whole.length);
      batch.lines.push(decode(whole, 0, whole.length));
      lineNo++;
      pos = nl + 1;
    }
    if (lastNl >= pos && !perLine) {
      // The chunk's other whole lines: one decode and a native split, rather than a decode per line (~1M lines per
      // 120 MB scores file). Valid UTF-8 (checked above), and no character spans a newline byte.
      let lines = chunk.toString("utf8", pos, lastNl).split("\n");
      if (atStart) {
        atStart = false;
        if (lines[0].charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1); // UTF-8 byte-order mark
      }
      if (lastNl - pos > max) {
        // Some line may be too long: find it by its bytes (a UTF-16 code unit is 1 to 3 of them).
        for (let i = 0; i < lines.length; i++) if (lines[i].length > max / 3 && Buffer.byteLength(lines[i]) > max) {
          lineNo += i;
          throw overLong();
        }
      }
      if (chunk.indexOf(0x0d, pos) !== -1) lines = lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
      for (const l of lines) batch.lines.push(l);
      lineNo += lines.length;
      pos = lastNl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) break;
      if (nl - pos > max) throw overLong();
      checkLine(chunk, pos, nl);
      batch.lines.push(decode(chunk, pos, nl));
      lineNo++;
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      pendingLen += chunk.length - pos;
      if (pendingLen > max) throw overLong();
      // Copy: the stream may reuse nothing, but a subarray would pin the whole 1 MiB chunk.
      pending.push(Buffer.from(chunk.subarray(pos)));
    }
    if (batch.lines.length > 0) yield batch;
  }
  if (pendingLen > 0) {
    const whole = Buffer.concat(pending, pendingLen);
    checkLine(whole, 0, whole.length);
    yield { first: lineNo, lines: [decode(whole, 0, whole.length)] };
  }
}
