import { describe, expect, it } from "vitest";
import { errorSummary, redactPaths, ERROR_SUMMARY_CHARS } from "./redact";

describe("redactPaths", () => {
  it("keeps base names of absolute paths anywhere in a JSON value, and other strings as they are", () => {
    expect(
      redactPaths({
        data: "/work/shared/data/global-mmlu",
        onnxPath: "C:\\models\\tiny\\model.onnx",
        nested: [{ path: "/tmp/upload-1/preds.jsonl" }, "relative/file.csv", 3, null],
        layout: "jsonl",
      }),
    ).toEqual({
      data: "global-mmlu",
      onnxPath: "model.onnx",
      nested: [{ path: "preds.jsonl" }, "relative/file.csv", 3, null],
      layout: "jsonl",
    });
  });
});

describe("errorSummary", () => {
  it("keeps the first line with file names but no directories", () => {
    expect(
      errorSummary(
        "ENOENT: no such file or directory, open '/work/wt/x/models/tiny/model.onnx'\n    at Object.openSync (node:fs:573:18)",
      ),
    ).toBe("ENOENT: no such file or directory, open 'model.onnx'");
    expect(errorSummary("failed in C:\\data\\runs\\a.csv line 3")).toBe("failed in a.csv line 3");
    expect(errorSummary(null)).toBeNull();
  });

  it("is bounded in length on hostile messages (the input is cut before the regex sees it)", () => {
    expect(errorSummary("x".repeat(100_000))!.length).toBe(ERROR_SUMMARY_CHARS);
    expect(errorSummary("/a".repeat(50_000) + " tail")).toBe("a");
    expect(errorSummary("/" + "a/".repeat(50_000))).not.toContain("/");
  });
});
