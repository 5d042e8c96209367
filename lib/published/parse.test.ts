import { describe, expect, it } from "vitest";
import { parsePublishedCsv, splitCsvLine } from "./parse";

const HEADER = "benchmark,language,model,sft_dataset,smoothing,accuracy,entropy,ece,rms,source_table";

describe("parsePublishedCsv", () => {
  it("keeps exact decimal text and empty base-model fields", () => {
    const rows = parsePublishedCsv(`${HEADER}\nGlobalMMLU,am,Gemma2-2B,,,0.268,1.886,0.070,0.091,3\nGlobalMMLU,am,Gemma2-2B,Alpaca,0.0,0.3,3.0,0.1,0.2,3\n`, "f.csv");
    expect(rows[0]).toMatchObject({ language: "am", sftDataset: null, smoothing: null, ece: "0.070", line: 2 });
    expect(rows[1]).toMatchObject({ sftDataset: "Alpaca", smoothing: "0.0", entropy: "3.0", line: 3 });
  });

  it("reads summary files (no language column)", () => {
    const rows = parsePublishedCsv("benchmark,model,sft_dataset,smoothing,accuracy,entropy,ece,rms\nMMLU-ProX,Gemma2-2B,,,0.137,1.361,0.040,0.064\n", "s.csv");
    expect(rows[0].language).toBeNull();
  });

  it.each([
    ["GlobalMMLU,am,Gemma2-2B,,,0.268,1.886,abc,0.091,3", 'f.csv:2, field "ece": invalid number "abc"'],
    ["GlobalMMLU,am,Gemma2-2B,,,0.268,1.886,1.5,0.091,3", 'f.csv:2, field "ece": value 1.5 out of range'],
    ["GlobalMMLU,am,Gemma2-2B,,,0.268,1.886,0.07", "f.csv:2: expected 10 fields, found 8"],
    ["GlobalMMLU,AMH,Gemma2-2B,,,0.268,1.886,0.07,0.091,3", 'f.csv:2, field "language"'],
    ["GlobalMMLU,am,Gemma2-2B,Alpaca,,0.268,1.886,0.07,0.091,3", 'f.csv:2, field "smoothing"'],
    ["GlobalMMLU,am,Gemma2-2B,Alpaca,1.2,0.268,1.886,0.07,0.091,3", 'f.csv:2, field "smoothing"'],
  ])("rejects %s", (row, message) => {
    expect(() => parsePublishedCsv(`${HEADER}\n${row}\n`, "f.csv")).toThrow(message);
  });

  it("names the line of a duplicate and of a missing column", () => {
    const row = "GlobalMMLU,am,Gemma2-2B,,,0.268,1.886,0.07,0.091,3";
    expect(() => parsePublishedCsv(`${HEADER}\n${row}\n${row}\n`, "f.csv")).toThrow("f.csv:3: duplicate row (same as line 2)");
    expect(() => parsePublishedCsv("benchmark,language,model\n", "f.csv")).toThrow('f.csv:1, field "sft_dataset"');
    expect(() => parsePublishedCsv("", "f.csv")).toThrow("f.csv: empty file");
  });

  it("splits quoted CSV fields", () => {
    expect(splitCsvLine('a,"b,c","d""e",')).toEqual(["a", "b,c", 'd"e', ""]);
  });
});
