import { describe, expect, it } from "vitest";
import { MAX_EXTERNAL_ID_BYTES } from "../import/read/record-limits";
import { idText, optionalText } from "./fields";

const row = (values: Record<string, unknown>) => ({ values, where: { file: "d.jsonl", line: 3 } });

describe("dataset text fields", () => {
  it("refuses what Postgres cannot store, naming the row and field", () => {
    expect(() => optionalText(row({ question: "a\u0000b" }), "question")).toThrow(/^d\.jsonl:3, field "question": contains a NUL/);
    expect(() => optionalText(row({ option_a: "x\udfff" }), "option_a")).toThrow(/lone UTF-16 surrogate/);
    expect(optionalText(row({ question: "fine 😀" }), "question")).toBe("fine 😀");
  });

  it(`caps ids at ${MAX_EXTERNAL_ID_BYTES} bytes`, () => {
    expect(idText(row({ id: "x".repeat(MAX_EXTERNAL_ID_BYTES) }), "id")).toHaveLength(MAX_EXTERNAL_ID_BYTES);
    expect(() => idText(row({ id: "x".repeat(MAX_EXTERNAL_ID_BYTES + 1) }), "id")).toThrow(/field "id": id is 513 bytes/);
  });
});
