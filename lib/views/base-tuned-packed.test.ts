import { describe, expect, it } from "vitest";
import type { BaseTunedPair } from "@/lib/db/queries/base-tuned";
import { packPairs, unpackPairs } from "./base-tuned-packed";

const pair = (language: string, tuned: string, runA: number, runB: number): BaseTunedPair => ({
  language,
  languageName: `${language.toUpperCase()} name`,
  family: "F",
  base: "F-base",
  tuned,
  tunedLabel: `${tuned} · label`,
  runA,
  runB,
  nA: 100 + runA,
  nB: 200 + runB,
});

describe("packed base → tuned pairs", () => {
  it("unpack(pack(pairs)) gives the same pairs in the same order, each language and model stored once", () => {
    const pairs = [pair("de", "A", 1, 2), pair("sw", "A", 1, 2), pair("de", "B", 1, 3), pair("sw", "B", 1, 3), pair("am", "A", 1, 2)];
    const packed = packPairs(pairs);
    expect(unpackPairs(packed)).toEqual(pairs);
    expect(packed.languages).toEqual([["de", "DE name"], ["sw", "SW name"], ["am", "AM name"]]);
    expect(packed.models.map((m) => m[2])).toEqual(["A", "B"]);
    expect(packed.rows).toHaveLength(pairs.length * 6);
  });

  it("keeps pairs that differ only in the label or the language name apart", () => {
    const a = pair("de", "A", 1, 2);
    const pairs = [a, { ...a, tunedLabel: "other label", runB: 4 }, { ...a, languageName: "Deutsch", runB: 5 }];
    expect(unpackPairs(packPairs(pairs))).toEqual(pairs);
    expect(unpackPairs(packPairs([]))).toEqual([]);
  });
});
