/**
 * Postgres COPY … FROM STDIN (text format) from an async stream of pre-encoded row chunks, with
 * backpressure. If the producer throws (a parse error on line 900,000), the COPY is aborted with
 * CopyFail, the connection stays usable for the caller's ROLLBACK, and the producer's error is the
 * one re-thrown.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/**
 * How far the producer may run ahead of the socket (bytes encoded, not yet handed to the kernel). With one chunk at a
 * time, the producer stopped until the last chunk had been written out, and the server sat idle while the next one
 * was parsed: on 2 cores the parse and the server's inserts ran one after the other instead of side by side.
 */
const READ_AHEAD_BYTES = 8 << 20;

/**
 * Streams `chunks` into `COPY <target> FROM STDIN`: text chunks of whole newline-terminated rows, or the bytes of a
 * binary-format COPY (lib/db/copy-binary.ts).
 */
export async function copyRows(
  client: pg.ClientBase,
  copySql: string,
  chunks: AsyncIterable<string | Buffer>,
): Promise<number> {
  const sink = client.query(copyFrom(copySql));
  let producerError: unknown = null;
  async function* guarded(): AsyncGenerator<string | Buffer> {
    try {
      for await (const c of chunks) if (c.length > 0) yield c;
    } catch (e) {
      producerError = e;
      throw e;
    }
  }
  try {
    await pipeline(Readable.from(guarded(), { objectMode: false, highWaterMark: READ_AHEAD_BYTES }), sink);
  } catch (e) {
    // The server's "COPY from stdin failed" answer to our CopyFail is noise: report the cause.
    throw producerError ?? e;
  }
  return sink.rowCount;
}

/**
 * One COPY … FROM STDIN of data already encoded in full (whole rows, text or binary with header and trailer); resolves
 * once the server has stored them and the connection is ready for the next statement, with the row count.
 */
export async function copyBuffer(client: pg.ClientBase, copySql: string, data: string | Buffer): Promise<number> {
  const sink = client.query(copyFrom(copySql));
  await new Promise<void>((resolve, reject) => {
    sink.once("error", reject);
    sink.once("finish", resolve);
    sink.end(data);
  });
  return sink.rowCount;
}

const NEEDS_ESCAPE = /[\\\t\n\r\0]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "" };

/** A text value in COPY text format; null → \N. NUL is dropped: Postgres text cannot hold it. */
export function copyText(v: string | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]);
}

/**
 * A float8[] as an array literal `{0.1,0.2}`. Number→string gives the shortest round-trip decimal,
 * which Postgres parses back to the same double; finite values only (the parsers reject the rest).
 */
export function copyFloatArray(xs: readonly number[] | null | undefined): string {
  if (xs === null || xs === undefined) return "\\N";
  return `{${xs.join(",")}}`;
}

export function copyInt(n: number | null | undefined): string {
  return n === null || n === undefined ? "\\N" : String(n);
}

export function copyBool(b: boolean): string {
  return b ? "t" : "f";
}
