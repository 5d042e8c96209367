/**
 * `calib recalibrate --method temperature`: the exact JSON contract, against reference values computed
 * offline with NumPy/SciPy (scripts/reference/temperature_reference.py: minimize_scalar on ln T, the
 * same floored NLL, ECE over 15 equal-width bins), and bad input exiting 2 like `calib metrics`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AtlasError } from "../../lib/errors";
import { run } from "./recalibrate";

const exec = promisify(execFile);
const data = join(import.meta.dirname, "../../lib/calibration/recalibrate/testdata");
const dir = mkdtempSync(join(tmpdir(), "calib-recalibrate-"));
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

afterEach(() => vi.restoreAllMocks());

// python3 scripts/reference/temperature_reference.py (numpy 2.4.6, scipy 1.17.1)
const REFERENCE = {
  overconfident: { n: 300, temperature: 2.7697264566128235, nll_before: 1.3832350935714999, nll_after: 0.9934163791119837, ece_before: 0.2355888795008413, ece_after: 0.0675680126451954 },
  underconfident: { n: 240, temperature: 0.4230643364037102, nll_before: 1.1560212332490063, nll_after: 1.0660377288002523, ece_before: 0.16687059131633486, ece_after: 0.08453251636896639 },
};

describe("calib recalibrate --method temperature --json", () => {
  for (const [name, ref] of Object.entries(REFERENCE)) {
    it(`matches the SciPy reference on the ${name} fixture (T to 1e-6 relative)`, async () => {
      const { code, out } = await capture(["--input", join(data, `temperature-${name}.jsonl`), "--method", "temperature", "--json"]);
      expect(code).toBe(0);
      expect(out.trim().split("\n")).toHaveLength(1);
      const r = JSON.parse(out);
      expect(Object.keys(r)).toEqual(["method", "n", "temperature", "nll_before", "nll_after", "ece_before", "ece_after"]);
      expect(r.method).toBe("temperature");
      expect(r.n).toBe(ref.n);
      expect(Math.abs(r.temperature / ref.temperature - 1)).toBeLessThan(1e-6);
      expect(r.nll_before).toBeCloseTo(ref.nll_before, 12);
      expect(r.nll_after).toBeCloseTo(ref.nll_after, 10);
      expect(r.ece_before).toBeCloseTo(ref.ece_before, 12);
      expect(r.ece_after).toBeCloseTo(ref.ece_after, 6);
      expect(r.nll_after).toBeLessThan(r.nll_before);
    });
  }

  it("runs as `npm run --silent calib -- recalibrate …` with one JSON line; bad input exits 2 naming the line", { timeout: 60_000 }, async () => {
    const { stdout } = await exec("npm", ["run", "--silent", "calib", "--", "recalibrate", "--input", join(data, "temperature-overconfident.jsonl"), "--method", "temperature", "--json"]);
    expect(Math.abs(JSON.parse(stdout).temperature / REFERENCE.overconfident.temperature - 1)).toBeLessThan(1e-6);
    const bad = file("bad.jsonl", ['{"logits": [1, 2], "label": 0}', '{"logits": [1, "x"], "label": 0}']);
    const err = await exec("npm", ["run", "--silent", "calib", "--", "recalibrate", "--input", bad, "--method", "temperature", "--json"]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect("code" in err && err.code).toBe(2);
    expect((err as { stdout: string }).stdout).toBe("");
    expect((err as { stderr: string }).stderr).toContain("bad.jsonl:2");
  });

  it("rejects files without gold labels, unknown methods and a missing --input (exit 2)", async () => {
    const topLabel = file("top.jsonl", ['{"probs": [0.6, 0.4], "correct": true}', '{"probs": [0.3, 0.7], "correct": false}']);
    expect((await failure(["--input", topLabel, "--json"])).message).toMatch(/needs "label"/);
    expect((await failure(["--input", topLabel, "--method", "platt"])).where.field).toBe("--method");
    expect((await failure(["--json"])).where.field).toBe("--input");
    expect((await failure(["--input", join(dir, "missing.jsonl")])).exitCode).toBe(2);
  });

  it("logits, log-probabilities and probabilities of the same rows give the same temperature", async () => {
    const z = [
      [2.5, 0.1, -1],
      [0.3, 1.9, 0.2],
      [3, -2, 0.5],
      [0, 0.4, 2.2],
    ];
    const labels = [0, 0, 0, 2];
    const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    const asLogits = file("l.jsonl", z.map((r, i) => JSON.stringify({ logits: r.map((v) => v + 7), label: labels[i] })));
    const asProbs = file("p.jsonl", z.map((r, i) => JSON.stringify({ probs: r.map((v) => Math.exp(v - lse(r))), label: labels[i] })));
    const a = JSON.parse((await capture(["--input", asLogits, "--json"])).out);
    const b = JSON.parse((await capture(["--input", asProbs, "--json"])).out);
    expect(Math.abs(a.temperature / b.temperature - 1)).toBeLessThan(1e-6);
    expect(a.nll_after).toBeCloseTo(b.nll_after, 10);
  });
});
