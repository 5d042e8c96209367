import { describe, expect, it } from "vitest";
import { rankDefaultComparison, type ComparisonCandidate } from "./reliability";

let nextId = 1;
/** A base model and its tuned variants on one benchmark; n per language × languages. */
function group(
  benchmark: string,
  base: string,
  tuned: { sft: string; beta: number | null }[],
  o: { n?: number; languages?: number; imported?: boolean; tunedImported?: boolean } = {},
): ComparisonCandidate[] {
  const n = o.n ?? 1000;
  const languages = o.languages ?? 1;
  const b: ComparisonCandidate = {
    benchmark,
    id: nextId++,
    name: base,
    sftDataset: null,
    smoothing: null,
    baseModelId: null,
    imported: o.imported ?? true,
    n: n * languages,
    maxN: n,
  };
  return [
    b,
    ...tuned.map((t) => ({
      ...b,
      id: nextId++,
      name: `${base}-${t.sft}${t.beta === null ? "" : `-b${t.beta}`}`,
      sftDataset: t.sft,
      smoothing: t.beta,
      baseModelId: b.id,
      imported: o.tunedImported ?? b.imported,
    })),
  ];
}

const chat = [{ sft: "chat", beta: null }];

describe("rankDefaultComparison", () => {
  it("is null when nothing is measured", () => {
    expect(rankDefaultComparison([])).toBeNull();
  });

  it("a base with tuned variants beats a lone model, however large", () => {
    const r = rankDefaultComparison([...group("B", "Lone", [], { n: 100_000 }), ...group("A", "Yi-6B", chat)]);
    expect(r).toEqual({ benchmark: "A", base: "Yi-6B", variants: ["Yi-6B-chat"] });
  });

  it("a 4-question model never wins over a real one, even with more variants and imported", () => {
    const tiny = group(
      "GlobalMMLU",
      "Tiny",
      ["Alpaca", "OpenHermes", "Dolly"].map((sft) => ({ sft, beta: 0 })),
      { n: 4, languages: 42 },
    );
    const real = group("ARC-Challenge", "Mistral-7B", chat, { n: 1172, imported: false });
    expect(rankDefaultComparison([...tiny, ...real])?.base).toBe("Mistral-7B");
    // Alone, the tiny comparison is still better than nothing.
    expect(rankDefaultComparison(tiny)?.base).toBe("Tiny");
  });

  it("imported (real) data beats worker runs of more questions; a worker-run variant makes it a worker comparison", () => {
    const worker = group("GlobalMMLU", "Worker-1B", chat, { n: 5000, imported: false });
    const real = group("ARC-Challenge", "Yi-6B", chat, { n: 1172 });
    expect(rankDefaultComparison([...worker, ...real])?.base).toBe("Yi-6B");
    const mixed = group("ARC-Challenge", "Mixed", chat, { n: 2000, tunedImported: false });
    expect(rankDefaultComparison([...mixed, ...real])?.base).toBe("Yi-6B");
  });

  it("then more predictions, then more variants, then names break ties", () => {
    const small = group("A", "Small", chat, { n: 500 });
    const large = group("A", "Large", chat, { n: 600 });
    expect(rankDefaultComparison([...small, ...large])?.base).toBe("Large");
    const many = group("A", "Many", [{ sft: "chat", beta: null }, { sft: "code", beta: null }]);
    const one = group("A", "One", chat);
    expect(rankDefaultComparison([...one, ...many])?.base).toBe("Many");
    const b = group("B", "Same", chat);
    const a = group("A", "Zed", chat);
    const a2 = group("A", "Abe", chat);
    // Order of the input does not matter: benchmark name first, then base name.
    expect(rankDefaultComparison([...b, ...a, ...a2])).toEqual({ benchmark: "A", base: "Abe", variants: ["Abe-chat"] });
    expect(rankDefaultComparison([...a2, ...a, ...b])).toEqual({ benchmark: "A", base: "Abe", variants: ["Abe-chat"] });
  });

  it("draws one variant per SFT dataset (its smallest β), counts them all, and ignores other benchmarks' variants", () => {
    const synth = group("GlobalMMLU", "Synth-1B", [
      { sft: "OpenHermes", beta: 0.1 },
      { sft: "Alpaca", beta: 0.1 },
      { sft: "Alpaca", beta: 0 },
      { sft: "OpenHermes", beta: 0 },
    ]);
    expect(rankDefaultComparison(synth)).toEqual({
      benchmark: "GlobalMMLU",
      base: "Synth-1B",
      variants: ["Synth-1B-Alpaca-b0", "Synth-1B-OpenHermes-b0"],
    });
    // The same base id measured on another benchmark without its variants there is a lone model.
    const elsewhere = { ...synth[0], benchmark: "Other", n: 10 ** 6, maxN: 10 ** 6 };
    expect(rankDefaultComparison([...synth, elsewhere])?.benchmark).toBe("GlobalMMLU");
  });
});
