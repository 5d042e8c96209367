import { describe, expect, it } from "vitest";
import { BinaryRowReader, BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER, type BinaryTuple } from "./copy-binary";

describe("binary COPY rows", () => {
  it("writes the header and trailer Postgres expects", () => {
    expect([...COPY_BINARY_HEADER]).toEqual([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...COPY_BINARY_TRAILER]).toEqual([0xff, 0xff]);
  });

  it("lays out a row field by field in network byte order", () => {
    const w = new BinaryRowWriter(4); // grows as needed
    w.row(5).int4(-2).float8(0.1).bool(true).null().float8Array([1.5, -0.25]);
    const b = w.take();
    let p = 0;
    expect(b.readInt16BE(p)).toBe(5);
    expect([b.readInt32BE((p += 2)), b.readInt32BE((p += 4))]).toEqual([4, -2]);
    expect([b.readInt32BE((p += 4)), b.readDoubleBE((p += 4))]).toEqual([8, 0.1]);
    expect([b.readInt32BE((p += 8)), b[(p += 4)]]).toEqual([1, 1]);
    expect(b.readInt32BE((p += 1))).toBe(-1);
    // float8[]: byte length, then 1 dimension, no nulls, element type float8 (oid 701), 2 elements from index 1,
    // then each element's length and bytes.
    p += 4;
    expect(b.readInt32BE(p)).toBe(20 + 2 * 12);
    expect([4, 8, 12, 16, 20].map((o) => b.readInt32BE(p + o))).toEqual([1, 0, 701, 2, 1]);
    expect([b.readInt32BE(p + 24), b.readDoubleBE(p + 28), b.readInt32BE(p + 36), b.readDoubleBE(p + 40)]).toEqual([8, 1.5, 8, -0.25]);
    expect(b.length).toBe(p + 48);
    expect(w.length).toBe(0);
  });

  it("writes text and jsonb as UTF-8, jsonb after its version byte", () => {
    const w = new BinaryRowWriter(2);
    w.text("水 ok").jsonb('["á"]');
    const b = w.take();
    expect(b.readInt32BE(0)).toBe(6); // 水 is 3 bytes
    expect(b.toString("utf8", 4, 10)).toBe("水 ok");
    expect(b.readInt32BE(10)).toBe(1 + 6);
    expect(b[14]).toBe(1);
    expect(b.toString("utf8", 15)).toBe('["á"]');
    expect(b.length).toBe(21);
  });

  it("writes a missing array as NULL", () => {
    const w = new BinaryRowWriter();
    w.float8Array(null);
    expect([...w.take()]).toEqual([0xff, 0xff, 0xff, 0xff]);
  });
});

describe("binary COPY round trip: the writer's bytes decoded by the reader", () => {
  // Values that text formats get wrong or that sit on edges: -0, subnormals, extremes, NULLs, empty and long arrays.
  const ROWS = [
    { id: 1, probs: [0.1, 0.2, 0.7], ll: [-2.3025850929940455, -1.6094379124341003, -0.35667494393873245], gold: 2, ok: true, x: 0.7, s: "en" },
    { id: -2147483648, probs: [5e-324, 1 - Number.EPSILON], ll: null, gold: null, ok: false, x: -0, s: "" },
    { id: 2147483647, probs: [], ll: [], gold: 0, ok: true, x: Number.MAX_VALUE, s: "ክፍል 問題" },
    { id: 7, probs: Array.from({ length: 26 }, (_, i) => i / 325), ll: null, gold: 25, ok: false, x: 1e-300, s: "tab\there" },
  ];
  type Row = (typeof ROWS)[number];

  function encode(): Buffer {
    const w = new BinaryRowWriter(8);
    w.raw(COPY_BINARY_HEADER);
    for (const r of ROWS) {
      w.row(6).int4(r.id).float8Array(r.probs).float8Array(r.ll);
      if (r.gold === null) w.null();
      else w.int4(r.gold);
      w.bool(r.ok).float8(r.x);
    }
    w.raw(COPY_BINARY_TRAILER);
    return w.take();
  }

  function decode(chunks: Buffer[]): Omit<Row, "s">[] {
    const out: Omit<Row, "s">[] = [];
    const reader = new BinaryRowReader((t: BinaryTuple) => {
      expect(t.fields).toBe(6);
      const probs = new Float64Array(t.arrayLength(1));
      if (t.arrayDims(1) !== 0) t.float8Elements(1, probs, 0);
      let ll: number[] | null = null;
      if (!t.isNull(2)) {
        const a = new Float64Array(t.arrayLength(2));
        if (t.arrayDims(2) !== 0) t.float8Elements(2, a, 0);
        ll = [...a];
      }
      expect(t.arrayHasNull(1)).toBe(false);
      out.push({ id: t.int4(0), probs: [...probs], ll, gold: t.isNull(3) ? null : t.int4(3), ok: t.bool(4), x: t.float8(5) });
    });
    for (const c of chunks) reader.push(c);
    reader.end();
    return out;
  }

  const expected = ROWS.map(({ s: _s, ...r }) => r);

  it("gives back every value bit for bit from one chunk", () => {
    const got = decode([encode()]);
    expect(got).toEqual(expected);
    expect(Object.is(got[1].x, -0)).toBe(true);
  });

  it("gives back the same rows whatever the chunk boundaries (every split point, and byte by byte)", () => {
    const bytes = encode();
    for (let cut = 0; cut <= bytes.length; cut++) expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
    expect(decode([...bytes].map((b) => Buffer.from([b])))).toEqual(expected);
  });

  it("reads ranges of larger buffers in place, cut anywhere, and nothing outside them", () => {
    const bytes = encode();
    const junk = Buffer.alloc(7, 0xee);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const out: number[] = [];
      const reader = new BinaryRowReader((t) => out.push(t.int4(0)));
      const a = Buffer.concat([junk, bytes.subarray(0, cut), junk]);
      const b = Buffer.concat([junk, junk, bytes.subarray(cut), junk]);
      reader.pushRange(a, junk.length, junk.length + cut);
      reader.pushRange(b, 2 * junk.length, b.length - junk.length);
      reader.end();
      expect(out, `cut at ${cut}`).toEqual(ROWS.map((r) => r.id));
    }
  });

  it("decodes text fields as UTF-8 and refuses a stream that is not binary COPY or ends early", () => {
    const w = new BinaryRowWriter();
    const text = Buffer.from("ክፍል 問題", "utf8");
    w.raw(COPY_BINARY_HEADER).row(1).raw(Buffer.from([0, 0, 0, text.length])).raw(text).raw(COPY_BINARY_TRAILER);
    const seen: string[] = [];
    const r = new BinaryRowReader((t) => seen.push(t.text(0)));
    r.push(w.take());
    r.end();
    expect(seen).toEqual(["ክፍል 問題"]);
    expect(() => new BinaryRowReader(() => undefined).push(Buffer.from("COPY 1\n" + " ".repeat(20)))).toThrow(/not a binary COPY stream/);
    const cut = new BinaryRowReader(() => undefined);
    cut.push(encode().subarray(0, 40));
    expect(() => cut.end()).toThrow(/without its trailer/);
  });

  it("reuses its buffer: view() and reset() hand out the bytes without a copy", () => {
    const w = new BinaryRowWriter(64);
    w.row(1).int4(5);
    const v = w.view();
    expect([...v]).toEqual([0, 1, 0, 0, 0, 4, 0, 0, 0, 5]);
    w.reset();
    expect(w.length).toBe(0);
    w.row(1).int4(6);
    expect(v.readInt32BE(6)).toBe(6); // same memory
  });
});
