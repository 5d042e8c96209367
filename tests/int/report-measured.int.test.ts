/**
 * `calib report --source measured`: the same CSV contract as the published report, over imported runs
 * (model = the name given at import; sft_dataset and smoothing from the import flags), with values
 * equal to the stored per-language stats (ECE: equal-width bins, RMS: equal-mass bins).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolFor } from "../../lib/db/pool";
import { importFiles } from "../../lib/import/import-files";
import { calibSpawned } from "../support/calib";
import { freshDatabase, type TestDatabase } from "../support/db";

let db: TestDatabase;

function scoresFile(dir: string, name: string, seed: number): string {
  // A small deterministic generator: 2 languages × 40 questions, 4 options.
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines: string[] = [];
  for (const lang of ["sw", "yo"]) {
    for (let i = 0; i < 40; i++) {
      const raw = [rand(), rand(), rand(), rand()].map((x) => x ** 3 + 0.01);
      const z = raw.reduce((a, b) => a + b, 0);
      lines.push(JSON.stringify({ id: `q${i}`, language: lang, probs: raw.map((x) => x / z), label: (i * 7 + lang.charCodeAt(0)) % 4 }));
    }
  }
  const f = path.join(dir, name);
  writeFileSync(f, lines.join("\n") + "\n");
  return f;
}

beforeAll(async () => {
  db = await freshDatabase("report_measured");
  const dir = mkdtempSync(path.join(tmpdir(), "report-"));
  const pool = poolFor(db.url);
  await importFiles({ db: pool, files: [scoresFile(dir, "base.jsonl", 7)], model: "Tiny-base", benchmark: "GlobalMMLU" });
  await importFiles({ db: pool, files: [scoresFile(dir, "tuned.jsonl", 11)], model: "Tiny-alpaca-b0.1", base: "Tiny-base", sft: "Alpaca", beta: 0.1, benchmark: "GlobalMMLU" });
});
afterAll(async () => {
  await poolFor(db.url).end();
  await db.drop();
});

describe("calib report --source measured", () => {
  it.each([["ece", "ece", "equal-width"], ["rms", "rms", "equal-mass"], ["accuracy", "accuracy", "equal-width"], ["entropy", "entropyBits", "equal-width"]])(
    "%s: one row per (language, model) with the stored value",
    async (metric, column, binning) => {
      const { code, stdout, stderr } = await calibSpawned(db.url, ["report", "--benchmark", "GlobalMMLU", "--metric", metric, "--source", "measured", "--format", "csv"]);
      expect(code, stderr).toBe(0);
      const lines = stdout.trimEnd().split("\n");
      expect(lines[0]).toBe("language,model,sft_dataset,smoothing,value");
      const stored = await poolFor(db.url).query<{ language: string; model: string; sft: string | null; beta: number | null; v: number }>(
        `SELECT s."languageCode" AS language, m."name" AS model, m."sftDataset" AS sft, m."smoothing" AS beta, s."${column}" AS v
         FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId" JOIN "Model" m ON m."id" = r."modelId"
         WHERE s."binning" = $1`,
        [binning],
      );
      const expected = stored.rows.map((r) => [r.language, r.model, r.sft ?? "", r.beta === null ? "" : r.beta.toFixed(1), String(r.v)].join(","));
      expect(lines.slice(1).sort()).toEqual(expected.sort());
      expect(lines).toHaveLength(5);
      expect(lines.slice(1).some((l) => l.startsWith("sw,Tiny-alpaca-b0.1,Alpaca,0.1,"))).toBe(true);
      expect(lines.slice(1).some((l) => l.startsWith("yo,Tiny-base,,,"))).toBe(true);
    },
  );
});
