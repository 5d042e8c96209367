/** `calib metrics`: JSON contract, by-language split, and bad input naming the line (exit code 2). */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AtlasError } from "../../lib/errors";
import { run } from "./metrics";

const dir = mkdtempSync(join(tmpdir(), "calib-metrics-"));
function file(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join("\n") + "\n");
  return p;
}

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await run(argv), out };
  } finally {
    spy.mockRestore();
  }
}

async function failure(argv: string[]): Promise<AtlasError> {
  try {
    await capture(argv);
  } catch (e) {
    if (e instanceof AtlasError) return e;
    throw e;
  }
  throw new Error("expected bad input");
}

const KEYS = ["n", "accuracy", "confidence", "entropy_bits", "ece", "rms", "mce", "sce", "ace", "brier", "nll", "smece", "bins"];

const good = file("good.jsonl", [
  '{"probs": [0.9, 0.1], "label": 0, "id": "q1", "language": "de"}',
  '{"probs": [0.8, 0.2], "label": 1, "language": "de"}',
  "",
  '{"logprobs": [-0.916290731874155, -0.510825623765991], "label": 1, "language": "fr"}',
  '{"logits": [2, 2], "label": 1, "language": "fr"}',
  '{"probs": [0.3, 0.7], "label": 0, "language": "fr"}',
  '{"probs": [1.0, 0.0], "label": 0, "language": "de"}',
]);

afterEach(() => vi.restoreAllMocks());

describe("calib metrics --json", () => {
  it("prints one JSON object with the contract's keys, bins including empty ones", async () => {
    const { code, out } = await capture(["--input", good, "--bins", "4", "--json"]);
    expect(code).toBe(0);
    expect(out.trim().split("\n")).toHaveLength(1);
    const r = JSON.parse(out);
    expect(Object.keys(r)).toEqual([...KEYS, "by_language"]);
    // the same six questions as hand-computed case A in metrics.test.ts
    expect(r.n).toBe(6);
    expect(r.ece).toBeCloseTo(0.25, 12);
    expect(r.sce).toBeCloseTo(0.2, 12);
    expect(r.ace).toBeCloseTo(0.3375, 12);
    expect(r.bins).toHaveLength(4);
    expect(r.bins[0]).toEqual({ lower: 0, upper: 0.25, count: 0, accuracy: null, confidence: null });
    expect(Object.keys(r.by_language)).toEqual(["de", "fr"]);
    expect(Object.keys(r.by_language.de)).toEqual(KEYS);
    expect(r.by_language.de.n).toBe(3);
    expect(r.by_language.fr.accuracy).toBeCloseTo(1 / 3, 12);
  });

  it("applies --binning to ece, rms, mce and bins only", async () => {
    const ew = JSON.parse((await capture(["--input", good, "--bins", "4", "--json"])).out);
    const em = JSON.parse((await capture(["--input", good, "--bins", "4", "--binning", "equal-mass", "--json"])).out);
    expect(em.ece).toBeCloseTo(1.7 / 6, 12);
    expect(em.bins.map((b: { count: number }) => b.count)).toEqual([2, 2, 1, 1]);
    expect(em.sce).toBe(ew.sce);
    expect(em.ace).toBe(ew.ace);
  });

  it("has no by_language without languages, and nulls classwise metrics for top-label rows", async () => {
    const f = file("top.jsonl", ['{"probs": [0.6, 0.4], "correct": true}', '{"probs": [0.3, 0.7], "correct": false}']);
    const r = JSON.parse((await capture(["--input", f, "--json"])).out);
    expect(Object.keys(r)).toEqual(KEYS);
    expect([r.sce, r.ace, r.brier, r.nll]).toEqual([null, null, null, null]);
    expect(r.accuracy).toBe(0.5);
  });

  it("prints a readable table without --json", async () => {
    const { out } = await capture(["--input", good, "--bins", "4"]);
    expect(out).toMatch(/ECE \(4 equal-width\)\s+0\.2500/);
    expect(out).toMatch(/by language/);
  });
});

describe("bad input", () => {
  it.each([
    [['{"probs": [0.9, 0.1], "label": 0}', '{"probs": [0.5, 0.4], "label": 0}'], 2, "probs", /sum to 0.9/],
    [['{"probs": [0.9, 0.1], "label": 0}', "not json"], 2, undefined, /invalid JSON/],
    [['{"probs": [0.9, 0.1], "label": 5}'], 1, "label", /gold index must be an integer in \[0, 1\]/],
    [['{"probs": [0.9, 0.1]}'], 1, "label", /missing gold index/],
    [['{"label": 0}'], 1, "probs", /missing "probs"/],
    [['{"probs": [0.9, 0.1], "logits": [1, 2], "label": 0}'], 1, "logits", /only one of/],
    [['{"probs": [0.9, "x"], "label": 0}'], 1, "probs", /entry 1 must be a number/],
    [['{"probs": [0.9, 0.1], "label": 0, "language": 3}'], 1, "language", /non-empty string/],
    [["[1, 2]"], 1, undefined, /JSON object/],
  ])("%j → line %i", async (lines, line, field, message) => {
    const f = file(`bad-${line}-${String(field)}.jsonl`, lines);
    const e = await failure(["--input", f, "--json"]);
    expect(e.code).toBe("BAD_INPUT");
    expect(e.exitCode).toBe(2);
    expect(e.where.line).toBe(line);
    expect(e.where.file).toBe(f);
    if (field) expect(e.where.field).toBe(field);
    expect(e.message).toMatch(message);
  });

  it("rejects unknown flags, bad flag values, missing and empty files", async () => {
    expect((await failure(["--input", good, "--nope"])).message).toMatch(/Unknown option '--nope'/);
    expect((await failure(["--input", good, "--bins", "0"])).message).toMatch(/--bins must be an integer/);
    expect((await failure(["--input", good, "--binning", "quantile"])).message).toMatch(/--binning must be/);
    expect((await failure(["--json"])).message).toMatch(/missing --input/);
    expect((await failure(["--input", join(dir, "missing.jsonl")])).message).toMatch(/cannot read file \(ENOENT\)/);
    expect((await failure(["--input", file("empty.jsonl", [""])])).message).toMatch(/no questions/);
  });
});

describe("through the dispatcher", () => {
  it("stdout holds only the JSON; bad input exits 2 with the message on stderr", { timeout: 60_000 }, async () => {
    const exec = promisify(execFile);
    const { stdout } = await exec("npm", ["run", "--silent", "calib", "--", "metrics", "--input", good, "--json"]);
    expect(JSON.parse(stdout).n).toBe(6);
    const bad = file("bad-cli.jsonl", ['{"probs": [0.2, 0.2], "label": 0}']);
    const err = await exec("npm", ["run", "--silent", "calib", "--", "metrics", "--input", bad, "--json"]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2, stdout: "" });
    expect((err as { stderr: string }).stderr).toContain(`${bad}:1, field "probs": probabilities sum to 0.4`);
  });
});
