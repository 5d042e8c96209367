import { describe, expect, it } from "vitest";
import { AtlasError } from "../../errors";
import { parseImportFields } from "./api-schema";

function refusal(raw: Record<string, string>): AtlasError {
  try {
    parseImportFields(raw);
  } catch (e) {
    if (e instanceof AtlasError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("parseImportFields", () => {
  it("accepts the flags of calib import, empty strings counting as absent", () => {
    expect(parseImportFields({ model: " M ", benchmark: "B", beta: "0.1", language: "DE", family: "" })).toEqual({
      model: "M",
      benchmark: "B",
      beta: 0.1,
      language: "de",
    });
  });

  it("names the field once, in front of the problem", () => {
    expect(refusal({ benchmark: "B" }).message).toBe('field "model": required, missing');
    expect(refusal({ model: "M", benchmark: "B", beta: "abc" }).message).toBe('field "beta": must be a number');
    expect(refusal({ model: "M", benchmark: "B", benchmrk: "x" }).message).toBe('field "benchmrk": unknown field "benchmrk"');
  });

  it("refuses a NUL in any name field as bad input naming the field (Postgres cannot store it)", () => {
    for (const field of ["model", "benchmark", "base", "sft", "family", "subject"]) {
      const e = refusal({ model: "M", benchmark: "B", [field]: "a\u0000b" });
      expect(e.status).toBe(400);
      expect(e.where).toMatchObject({ field });
      expect(e.message).toBe(`field "${field}": contains a NUL character`);
    }
  });
});
