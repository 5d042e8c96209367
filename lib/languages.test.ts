import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LANGUAGES } from "./languages";

// data/joshi-2020-classes.csv: code,name,lang2tax_name,joshi_class — read from Joshi et al.'s published lang2tax list.
const csv = readFileSync(new URL("../data/joshi-2020-classes.csv", import.meta.url), "utf8").trim().split("\n");
const published = new Map(csv.slice(1).map((l) => l.split(",")).map(([code, , , cls]) => [code, Number(cls)]));

describe("resource classes", () => {
  it("cover the same 49 languages as the published list", () => {
    expect(published.size).toBe(49);
    expect(new Set(LANGUAGES.map((l) => l.code))).toEqual(new Set(published.keys()));
  });

  it.each(LANGUAGES.map((l) => [l.code, l.resourceClass] as const))("%s has the published class", (code, cls) => {
    expect(cls).toBe(published.get(code));
  });
});
