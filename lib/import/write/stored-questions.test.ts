import { describe, expect, it } from "vitest";
import { copyUnescape } from "./stored-questions";

describe("copyUnescape", () => {
  it("undoes COPY text escapes", () => {
    expect(copyUnescape("plain")).toBe("plain");
    expect(copyUnescape("a\\tb\\nc\\\\d\\re")).toBe("a\tb\nc\\d\re");
    expect(copyUnescape("\\b\\f\\v")).toBe("\b\f\v");
    expect(copyUnescape("問題 8")).toBe("問題 8");
  });
});
