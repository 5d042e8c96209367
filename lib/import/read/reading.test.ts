import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AtlasError } from "../../errors";
import { copyFloatArray, copyText } from "../write/copy-writer";
import { CsvReader } from "./csv";
import { detectFormat } from "./detect";
import { lineOf, readLineBatches, readLineRuns } from "./lines";
import { parseTaskName, taskFromFileName } from "./formats/task-name";
import { tempFile } from "../../../tests/support/import-helpers";

async function lines(
  path: string,
  maxLineBytes = 1 << 20,
  highWaterMark?: number,
): Promise<[number, string][]> {
  const out: [number, string][] = [];
  for await (const b of readLineBatches(path, { name: "f", maxLineBytes, highWaterMark }))
    b.lines.forEach((l, i) => out.push([b.first + i, l]));
  return out;
}

describe("readLineBatches", () => {
  it("numbers lines across tiny chunks, strips CRLF and a BOM, keeps multi-byte characters whole", async () => {
    const f = tempFile("l.txt", "\uFEFFfirst\r\nzweite Zeile – ü\n\nlast without newline");
    for (const hwm of [1, 3, 7, 1 << 16]) {
      expect(await lines(f, 1 << 20, hwm)).toEqual([
        [1, "first"],
        [2, "zweite Zeile – ü"],
        [3, ""],
        [4, "last without newline"],
      ]);
    }
  });

  it("rejects a line over the limit as TOO_LARGE with its number, even without any newline", async () => {
    const f = tempFile("long.txt", "ok\n" + "x".repeat(100) + "\nok\n");
    await expect(lines(f, 50, 16)).rejects.toMatchObject({
      code: "TOO_LARGE",
      where: { file: "f", line: 2 },
    });
    // The same inside one chunk (the split path), and a line within the limit in code units but over it in bytes.
    await expect(lines(f, 50)).rejects.toMatchObject({ code: "TOO_LARGE", where: { line: 2 } });
    const wide = tempFile("wide.txt", "ok\n" + "€".repeat(16) + "\n" + "€".repeat(17) + "\nok\n");
    for (const hwm of [undefined, 16])
      await expect(lines(wide, 50, hwm)).rejects.toMatchObject({ code: "TOO_LARGE", where: { line: 3 } });
    const g = tempFile("nonl.txt", "y".repeat(1000));
    await expect(lines(g, 50, 16)).rejects.toMatchObject({ code: "TOO_LARGE", where: { line: 1 } });
  });
});

describe("readLineRuns", () => {
  it("gives each chunk's lines as one string with their bounds, numbered across chunks and CR-free", async () => {
    const text = "\uFEFF" + Array.from({ length: 50 }, (_, i) => `line ${i + 1}${i % 3 === 0 ? "\r" : ""}${i % 7 === 0 ? " ü€" : ""}`).join("\n");
    const want = text.slice(1).split("\n").map((l) => l.replace(/\r$/, ""));
    for (const hwm of [5, 64, 1 << 16]) {
      const got: string[] = [];
      let runs = 0;
      for await (const run of readLineRuns(tempFile("runs.txt", text), { name: "f", maxLineBytes: 1 << 20, highWaterMark: hwm })) {
        expect(run.first).toBe(got.length + 1);
        for (let k = 0; k < run.count; k++) got.push(lineOf(run, k));
        runs++;
      }
      expect(got).toEqual(want);
      if (hwm === 1 << 16) expect(runs).toBe(2); // the whole lines, then the last one (no newline after it)
    }
  });

  it("names the first bad line of a chunk: invalid UTF-8 or over the limit, whichever comes first", async () => {
    const bad = Buffer.concat([Buffer.from("ok\nok\nab"), Buffer.from([0xff]), Buffer.from("\n" + "x".repeat(80) + "\nok\n")]);
    const f = tempFile("bad.txt", bad);
    for (const hwm of [undefined, 4]) {
      await expect(lines(f, 1 << 20, hwm)).rejects.toMatchObject({ code: "BAD_INPUT", where: { line: 3, field: "encoding" } });
      await expect(lines(f, 50, hwm)).rejects.toMatchObject({ code: "BAD_INPUT", where: { line: 3 } });
    }
    const long = tempFile("long2.txt", Buffer.concat([Buffer.from("ok\n" + "x".repeat(80) + "\nab"), Buffer.from([0xff, 0x0a])]));
    await expect(lines(long, 50)).rejects.toMatchObject({ code: "TOO_LARGE", where: { line: 2 } });
  });
});

describe("CsvReader", () => {
  const field = fc.string({ unit: fc.constantFrom("a", "b", ",", '"', "\n", " ", "é", "1"), maxLength: 8 });
  it("round-trips any RFC 4180 record fed line by line", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        (records) => {
          const text = records
            .map((r) =>
              r.map((v) => (/[",\n]/.test(v) || v === "" ? `"${v.replace(/"/g, '""')}"` : v)).join(","),
            )
            .join("\n");
          const reader = new CsvReader("f.csv", 1 << 20);
          const got: string[][] = [];
          text.split("\n").forEach((l, i) => {
            const r = reader.push(l, i + 1);
            if (r) got.push(r.fields);
          });
          reader.finish();
          expect(got).toEqual(records);
        },
      ),
    );
  });

  it("rejects stray quotes and unterminated quoted fields with the line", () => {
    const r = new CsvReader("f.csv", 1 << 20);
    expect(() => r.push('a,b"c', 3)).toThrow(/3: unexpected quote/);
    expect(() => r.push('"ab"c,d', 4)).toThrow(/4: unexpected character after closing quote/);
    const open = new CsvReader("f.csv", 1 << 20);
    expect(open.push('"never closed', 5)).toBeNull();
    expect(() => open.finish()).toThrow(AtlasError);
  });
});

describe("format detection and task names", () => {
  it("detects each format from the name and first line", () => {
    expect(
      detectFormat("samples_global_mmlu_full_de_x_2024-11-30T10-15-42.381204.jsonl", '{"doc_id": 0}'),
    ).toBe("lm-eval");
    expect(detectFormat("out.jsonl", '{"doc_id": 0, "doc": {}, "resps": []}')).toBe("lm-eval");
    expect(detectFormat("out.jsonl", '{"id": "q1", "probs": [1, 0]}')).toBe("scores-jsonl");
    expect(detectFormat("scores.csv", "id,language,label,p_0,p_1")).toBe("scores-csv");
    expect(detectFormat("scores.dat", "id,language,label,probs")).toBe("scores-csv");
    expect(detectFormat("arc.txt", "grade confidence_levels")).toBe("plaut");
    expect(detectFormat("arc.txt", "Wrong 0.1,0.2,0.3")).toBe("plaut");
    expect(detectFormat("notes.txt", "hello world")).toBeNull();
  });

  it("reads language and subject from lm-eval task names", () => {
    expect(taskFromFileName("samples_mmlu_prox_sw_biology_2025-02-03T08-30-11.004521.jsonl")).toBe(
      "mmlu_prox_sw_biology",
    );
    expect(taskFromFileName("results_2025-02-03T08-30-11.004521.json")).toBeNull();
    expect(parseTaskName("global_mmlu_full_de_abstract_algebra")).toEqual({
      task: "global_mmlu_full_de_abstract_algebra",
      language: "de",
      subject: "abstract_algebra",
    });
    expect(parseTaskName("global_mmlu_fr")).toEqual({
      task: "global_mmlu_fr",
      language: "fr",
      subject: undefined,
    });
    expect(parseTaskName("mmlu_prox_lite_zh_computer_science")).toMatchObject({
      language: "zh",
      subject: "computer_science",
    });
    expect(parseTaskName("arc_challenge_mt_de")).toEqual({ task: "arc_challenge_mt_de", language: "de" });
    expect(parseTaskName("arc_challenge")).toEqual({ task: "arc_challenge" }); // "ge" is not a known code
  });
});

describe("COPY text encoding", () => {
  it("escapes backslashes, tabs and newlines, drops NUL, and writes float arrays as array literals", () => {
    expect(copyText("a\\b\tc\nd\re\0f")).toBe("a\\\\b\\tc\\nd\\re" + "f");
    expect(copyText(null)).toBe("\\N");
    expect(copyFloatArray([0.1, 1e-7, 0.9999999])).toBe("{0.1,1e-7,0.9999999}");
    expect(copyFloatArray(null)).toBe("\\N");
  });
});
