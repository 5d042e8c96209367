/**
 * Rows in Postgres's binary COPY format (COPY … FROM STDIN WITH (FORMAT binary)): doubles travel as their 8 bytes,
 * so neither side converts numbers to and from decimal text. For 1M predictions of 4 options that conversion was
 * the largest CPU cost of both the importer (shortest round-trip formatting, ~5M numbers) and the server (strtod).
 * Values arrive bit for bit, as the text path's shortest round-trip decimals also do.
 *
 * Layout (PostgreSQL docs, "COPY", Binary Format): a 19-byte header; per row an int16 field count and, per field,
 * an int32 byte length (−1 for NULL) and the value in network byte order; an int16 −1 trailer.
 */
const FLOAT8_OID = 701;

/** Signature, flags (0), header extension length (0). */
export const COPY_BINARY_HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
export const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/** Appends binary COPY rows to a growing buffer; `take()` hands the bytes written so far over. */
export class BinaryRowWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  row(fields: number): this {
    this.room(2);
    this.pos = this.buf.writeInt16BE(fields, this.pos);
    return this;
  }

  int4(v: number): this {
    this.room(8);
    this.pos = this.buf.writeInt32BE(4, this.pos);
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }

  float8(v: number): this {
    this.room(12);
    this.pos = this.buf.writeInt32BE(8, this.pos);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
    return this;
  }

  bool(v: boolean): this {
    this.room(5);
    this.pos = this.buf.writeInt32BE(1, this.pos);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  null(): this {
    this.room(4);
    this.pos = this.buf.writeInt32BE(-1, this.pos);
    return this;
  }

  /** Text as UTF-8 bytes (the caller has refused NUL, which Postgres text cannot hold). */
  text(v: string): this {
    const bytes = Buffer.byteLength(v);
    this.room(4 + bytes);
    this.pos = this.buf.writeInt32BE(bytes, this.pos);
    this.pos += this.buf.write(v, this.pos, bytes, "utf8");
    return this;
  }

  /** jsonb from its JSON text: a version byte (1), then the text. */
  jsonb(json: string): this {
    const bytes = Buffer.byteLength(json);
    this.room(5 + bytes);
    this.pos = this.buf.writeInt32BE(bytes + 1, this.pos);
    this.buf[this.pos++] = 1;
    this.pos += this.buf.write(json, this.pos, bytes, "utf8");
    return this;
  }

  /** A one-dimensional float8[] without NULL elements (lower bound 1), or NULL. */
  float8Array(xs: readonly number[] | null | undefined): this {
    if (xs === null || xs === undefined) return this.null();
    const bytes = 20 + 12 * xs.length;
    this.room(4 + bytes);
    let p = this.buf.writeInt32BE(bytes, this.pos);
    p = this.buf.writeInt32BE(1, p); // dimensions
    p = this.buf.writeInt32BE(0, p); // has nulls
    p = this.buf.writeInt32BE(FLOAT8_OID, p);
    p = this.buf.writeInt32BE(xs.length, p);
    p = this.buf.writeInt32BE(1, p); // lower bound
    for (const x of xs) {
      p = this.buf.writeInt32BE(8, p);
      p = this.buf.writeDoubleBE(x, p);
    }
    this.pos = p;
    return this;
  }

  /** The rows written so far (a copy), and a fresh start. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }
}
