import { describe, expect, it } from "vitest";
import { BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from "./copy-binary";
import { copyUnescape } from "./stored-questions";

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

describe("copyUnescape", () => {
  it("undoes COPY text escapes", () => {
    expect(copyUnescape("plain")).toBe("plain");
    expect(copyUnescape("a\\tb\\nc\\\\d\\re")).toBe("a\tb\nc\\d\re");
    expect(copyUnescape("\\b\\f\\v")).toBe("\b\f\v");
    expect(copyUnescape("問題 8")).toBe("問題 8");
  });
});
