import { describe, expect, it } from "vitest";
import { continuationPrompt, continuationText, letterPrompt, packBatch, promptHeader } from ".";

const q = { subject: "high_school_geography", question: " What is the capital of France? ", options: ["Paris", " London ", "Berlin", "Rome"], gold: 0 };
const shot = { subject: "high_school_geography", question: "Which ocean is the largest?", options: ["Atlantic", "Indian", "Pacific", "Arctic"], gold: 2 };

describe("prompts", () => {
  it("letter, zero-shot: MMLU header, blank line, lettered options, Answer:", () => {
    expect(letterPrompt(q)).toBe(
      "The following are multiple choice questions (with answers) about high school geography.\n\n" +
        "What is the capital of France?\nA. Paris\nB. London\nC. Berlin\nD. Rome\nAnswer:",
    );
  });

  it("letter, k-shot: examples end in ' X' and a blank line", () => {
    expect(letterPrompt(q, [shot])).toBe(
      "The following are multiple choice questions (with answers) about high school geography.\n\n" +
        "Which ocean is the largest?\nA. Atlantic\nB. Indian\nC. Pacific\nD. Arctic\nAnswer: C\n\n" +
        "What is the capital of France?\nA. Paris\nB. London\nC. Berlin\nD. Rome\nAnswer:",
    );
  });

  it("continuation: question and Answer:, examples answered with the option text; options listed on request", () => {
    expect(continuationPrompt(q, [shot])).toBe(
      "The following are multiple choice questions (with answers) about high school geography.\n\n" +
        "Which ocean is the largest?\nAnswer: Pacific\n\nWhat is the capital of France?\nAnswer:",
    );
    expect(continuationPrompt(q, [], true)).toBe(letterPrompt(q));
    expect(continuationText(" London ")).toBe(" London");
  });

  it("letters go up to J for ten options; header without a subject", () => {
    const ten = { subject: "", question: "n?", options: "0123456789".split(""), gold: 9 };
    expect(letterPrompt(ten, [ten])).toContain("\nJ. 9\nAnswer: J\n\n");
    expect(promptHeader("")).toBe("The following are multiple choice questions (with answers).\n\n");
  });

  it("rejects shots without gold, too many options and empty options", () => {
    expect(() => letterPrompt(q, [{ ...shot, gold: null }])).toThrow("gold");
    expect(() => letterPrompt({ ...q, options: "0123456789X".split("") })).toThrow("2 to 10 options");
    expect(() => continuationText("  ")).toThrow("empty");
  });
});

describe("packBatch", () => {
  it("right padding: tokens from column 0, positions count on through the padding", () => {
    const b = packBatch([[5, 6, 7], [8]], "right", 0);
    expect([...b.inputIds]).toEqual([5n, 6n, 7n, 8n, 0n, 0n]);
    expect([...b.attentionMask]).toEqual([1n, 1n, 1n, 1n, 0n, 0n]);
    expect([...b.positionIds]).toEqual([0n, 1n, 2n, 0n, 1n, 2n]);
    expect(b.starts).toEqual([0, 0]);
  });

  it("left padding: last tokens aligned, positions start at 0 on the first real token", () => {
    const b = packBatch([[5, 6, 7], [8]], "left", 0);
    expect([...b.inputIds]).toEqual([5n, 6n, 7n, 0n, 0n, 8n]);
    expect([...b.attentionMask]).toEqual([1n, 1n, 1n, 0n, 0n, 1n]);
    expect([...b.positionIds]).toEqual([0n, 1n, 2n, 0n, 0n, 0n]);
    expect(b.starts).toEqual([0, 2]);
  });

  it("with a cache: the mask covers the cached positions and positions follow them", () => {
    const past = { batch: 2, length: 2, tensors: {} };
    const b = packBatch([[5, 6], [7]], "right", 0, past);
    expect([...b.attentionMask]).toEqual([1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]);
    expect([...b.positionIds]).toEqual([2n, 3n, 2n, 3n]);
  });
});
