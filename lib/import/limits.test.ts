import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AtlasError } from "../errors";
import { DETECT_PREFIX_BYTES, detectFileFormat, detectFormat, firstLine } from "./read/detect";
import { readLineBatches } from "./read/lines";
import { MAX_EXTERNAL_ID_BYTES, MAX_OPTIONS } from "./read/record-limits";
import { firstInvalidUtf8, isUtf8 } from "./read/utf8";
import { failure, parseFile, tempFile } from "../../tests/support/import-helpers";

async function readAll(path: string, highWaterMark?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const b of readLineBatches(path, { name: "f.jsonl", maxLineBytes: 1 << 20, highWaterMark })) out.push(...b.lines);
  return out;
}

describe("format detection is linear and bounded", () => {
  // The line that takes a header regex with optional quotes, `(,"?[\w .-]*"?)+`, hours: "a" + 40 × `,"`, with or
  // without a failing tail.
  const crafted = ["a" + ',"'.repeat(40), "a" + ',"'.repeat(40) + "!", "a" + ',"'.repeat(5000) + "!"];

  it("answers the crafted ReDoS header at once", () => {
    for (const line of crafted) {
      const t = performance.now();
      const f = detectFormat("upload.txt", line);
      const ms = performance.now() - t;
      // Fields that are a lone quote: not a CSV header (optional quotes would accept them, slowly).
      expect(f).toBeNull();
      expect(ms).toBeLessThan(1000); // generous on a loaded CI machine; a backtracking regex needs hours
    }
  });

  it("refuses the crafted file through detectFileFormat with file:line", async () => {
    const f = tempFile("upload.txt", crafted[1] + "\n");
    const e = await failure(detectFileFormat(f, "upload.txt", 1 << 20));
    expect(e.code).toBe("BAD_INPUT");
    expect(e.message).toMatch(/^upload\.txt:1: cannot detect the format/);
  });

  it("still recognises ordinary headers, quoted or not", () => {
    expect(detectFormat("s.dat", 'id,language,label,"p_0","p_1"')).toBe("scores-csv");
    expect(detectFormat("s.dat", '"id","language","label","probs"')).toBe("scores-csv");
    expect(detectFormat("s.dat", "id")).toBeNull(); // one field is not a CSV header
  });

  it("reads only a bounded prefix: a first line longer than the prefix is judged on its start", async () => {
    const long = '{"id": "q1", "probs": [' + "0.0,".repeat(DETECT_PREFIX_BYTES / 2) + "1.0]}\n";
    const f = tempFile("big.jsonl", long);
    const first = await firstLine(f, "big.jsonl", 1 << 24);
    expect(first!.length).toBeLessThanOrEqual(DETECT_PREFIX_BYTES);
    expect(await detectFileFormat(f, "big.jsonl", 1 << 24)).toBe("scores-jsonl");
  });

  it("refuses a first line over the import's line limit as TOO_LARGE", async () => {
    const f = tempFile("x.csv", "id,label," + "p,".repeat(600) + "\n");
    const e = await failure(detectFileFormat(f, "x.csv", 1000));
    expect(e.code).toBe("TOO_LARGE");
    expect(e.message).toMatch(/^x\.csv:1: line longer than 1000 bytes/);
  });

  it("does not mistake a multi-byte character cut by the prefix for invalid UTF-8", async () => {
    const f = tempFile("u.jsonl", '{"id": "' + "é".repeat(DETECT_PREFIX_BYTES) + '"}\n');
    expect(await detectFileFormat(f, "u.jsonl", 1 << 24)).toBe("scores-jsonl");
  });
});

describe("strict UTF-8", () => {
  it("finds the same invalid inputs as node's isUtf8", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 10 }), (a) => (firstInvalidUtf8(a) < 0) === isUtf8(a)),
      { numRuns: 20_000 },
    );
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // an encoded surrogate
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong NUL
  });

  it("refuses invalid bytes with the line instead of replacing them with U+FFFD, across chunk boundaries", async () => {
    const content = Buffer.concat([Buffer.from("ok line\nsecond ü\n"), Buffer.from([0x62, 0xff, 0x0a]), Buffer.from("after\n")]);
    const f = tempFile("bad.jsonl", content);
    for (const hwm of [1, 2, 5, 1 << 16]) {
      const e = await failure(readAll(f, hwm));
      expect(e.code).toBe("BAD_INPUT");
      expect(e.message).toMatch(/^f\.jsonl:3, field "encoding": invalid UTF-8 \(0xff at byte 2 of the line\)/);
    }
  });

  it("refuses a truncated multi-byte character at the end of the file", async () => {
    const f = tempFile("t.jsonl", Buffer.concat([Buffer.from("fine\nend "), Buffer.from([0xe2, 0x82])]));
    const e = await failure(readAll(f, 3));
    expect(e.message).toMatch(/^f\.jsonl:2, field "encoding": invalid UTF-8/);
  });

  it("refuses a UTF-16 file (its byte-order mark is not UTF-8) at detection", async () => {
    const f = tempFile("u16.jsonl", Buffer.from("\uFEFF{\"id\": 1}\n", "utf16le"));
    const e = await failure(detectFileFormat(f, "u16.jsonl", 1 << 20));
    expect(e.message).toMatch(/^u16\.jsonl:1, field "encoding": invalid UTF-8/);
  });
});

describe("row limits", () => {
  const row = (o: Record<string, unknown>) => JSON.stringify({ id: "q1", language: "de", label: 0, probs: [0.5, 0.5], ...o });
  const refused = async (content: string, re: RegExp) => {
    const e = await failure(parseFile(tempFile("s.jsonl", content + "\n")));
    expect(e).toBeInstanceOf(AtlasError);
    expect(e.code).toBe("BAD_INPUT");
    expect(e.message).toMatch(re);
  };

  it(`bounds the option count to ${MAX_OPTIONS}`, async () => {
    const probs = (k: number) => Array.from({ length: k }, (_, i) => (i === 0 ? 1 : 0));
    expect(await parseFile(tempFile("s.jsonl", row({ probs: probs(MAX_OPTIONS) }) + "\n"))).toHaveLength(1);
    await refused(row({ probs: probs(MAX_OPTIONS + 1) }), /^s\.jsonl:1, field "options": 27 options: at most 26/);
    await refused(row({ probs: probs(100_000) }), /100000 options: at most 26/);
  });

  it(`caps external ids at ${MAX_EXTERNAL_ID_BYTES} bytes of UTF-8`, async () => {
    expect(await parseFile(tempFile("s.jsonl", row({ id: "x".repeat(MAX_EXTERNAL_ID_BYTES) }) + "\n"))).toHaveLength(1);
    await refused(row({ id: "ü".repeat(MAX_EXTERNAL_ID_BYTES / 2 + 1) }), /field "id": id is 514 bytes: at most 512/);
    await refused(row({ id: "x".repeat(2800) }), /id is 2800 bytes/);
  });

  it("refuses NUL and lone surrogates in every text field with the field's name", async () => {
    await refused(row({ id: "a\u0000b" }), /field "id": id contains a NUL/);
    await refused(row({ question: "why\u0000" }), /field "question": question contains a NUL/);
    await refused(row({ subject: "x\ud800" }), /field "subject": subject contains a lone UTF-16 surrogate/);
    await refused(row({ options: ["fine", "bad\udc00"] }), /field "options": option 1 contains a lone UTF-16 surrogate/);
    // A proper pair (an emoji) is fine.
    const ok = await parseFile(tempFile("s.jsonl", row({ question: "why 😀" }) + "\n"));
    expect(ok[0].text).toBe("why 😀");
  });
});
