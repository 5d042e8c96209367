import { existsSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../../support/db";
import { importPlautDemo, PLAUT_MODELS } from "../../../lib/import/plaut-demo";

// Expected figures from data/plaut2024/README.md (accuracy, mean renormalised confidence, ECE over 15 equal-width bins).
const EXPECTED: Record<string, [number, number, number]> = {
  "Llama-3.1-8B": [0.495, 0.519, 0.073],
  "Llama-3.1-8B-Instruct": [0.768, 0.815, 0.046],
  "Mistral-7B": [0.619, 0.469, 0.15],
  "Mistral-7B-Instruct": [0.703, 0.98, 0.278],
  "Yi-6B": [0.416, 0.597, 0.195],
  "Yi-6B-Chat": [0.674, 0.829, 0.155],
};

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase("plaut");
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe.skipIf(!existsSync("data/plaut2024/arc__Mistral__chat.txt"))("importPlautDemo", () => {
  it("imports six top-label-only runs over 2,590 shared ARC-Challenge questions, once", async () => {
    const results = await importPlautDemo(pool);
    expect(results.map((r) => [r.predictions, r.alreadyImported, r.topLabelOnly, r.languages])).toEqual(
      PLAUT_MODELS.map(() => [2590, false, true, ["en"]]),
    );
    expect(results.map((r) => r.questionsCreated)).toEqual([2590, 0, 0, 0, 0, 0]);
    const again = await importPlautDemo(pool);
    expect(again.map((r) => [r.runId, r.alreadyImported])).toEqual(results.map((r) => [r.runId, true]));

    const models = await pool.query(
      `SELECT m.name, m.family, m."sftDataset", b.name AS base FROM "Model" m LEFT JOIN "Model" b ON b.id = m."baseModelId" ORDER BY m.name`,
    );
    expect(models.rows).toContainEqual({
      name: "Mistral-7B-Instruct",
      family: "Mistral-7B",
      sftDataset: "chat",
      base: "Mistral-7B",
    });
    expect(models.rows).toContainEqual({ name: "Yi-6B", family: "Yi-6B", sftDataset: null, base: null });
    const bench = await pool.query(`SELECT "optionCount" FROM "Benchmark" WHERE name = 'ARC-Challenge'`);
    expect(bench.rows).toEqual([{ optionCount: 5 }]);
  });

  it("matches the published accuracy, confidence and 15-bin ECE of every file", async () => {
    const r = await pool.query<{ model: string; acc: number; conf: number; ece: number }>(`
      WITH p AS (
        SELECT m.name AS model, p.confidence, p.correct::int AS c, least(width_bucket(p.confidence, 0, 1, 15), 15) AS bin
          FROM "Prediction" p JOIN "Run" r ON r.id = p."runId" JOIN "Model" m ON m.id = r."modelId"
      ), bins AS (
        SELECT model, bin, count(*) AS n, avg(c) AS acc, avg(confidence) AS conf FROM p GROUP BY model, bin
      )
      SELECT model, (sum(acc * n) / sum(n))::float8 AS acc, (sum(conf * n) / sum(n))::float8 AS conf,
             (sum(abs(acc - conf) * n) / sum(n))::float8 AS ece
        FROM bins GROUP BY model ORDER BY model`);
    expect(r.rows).toHaveLength(6);
    for (const row of r.rows) {
      const [acc, conf, ece] = EXPECTED[row.model];
      expect(row.acc, `${row.model} accuracy`).toBeCloseTo(acc, 3);
      expect(Math.abs(row.conf - conf), `${row.model} confidence`).toBeLessThan(0.0015);
      expect(Math.abs(row.ece - ece), `${row.model} ECE`).toBeLessThan(0.0015);
    }
  });

  it("stores per-language statistics that reproduce the published figures, top-label only", async () => {
    const r = await pool.query<{
      model: string;
      n: number;
      accuracy: number;
      confidence: number;
      ece: number;
      sce: number | null;
      brier: number | null;
      nll: number | null;
      bins: number;
    }>(`
      SELECT m.name AS model, s.n, s.accuracy, s.confidence, s.ece, s.sce, s.brier, s.nll, s.bins
        FROM "RunLanguageStats" s JOIN "Run" r ON r.id = s."runId" JOIN "Model" m ON m.id = r."modelId"
       WHERE s.binning = 'equal-width' AND s."languageCode" = 'en' ORDER BY m.name`);
    expect(r.rows).toHaveLength(6);
    for (const row of r.rows) {
      const [acc, conf, ece] = EXPECTED[row.model];
      expect(row).toMatchObject({ n: 2590, bins: 15, sce: null, brier: null, nll: null });
      expect(row.accuracy, `${row.model} accuracy`).toBeCloseTo(acc, 3);
      expect(Math.abs(row.confidence - conf), `${row.model} confidence`).toBeLessThan(0.0015);
      expect(Math.abs(row.ece - ece), `${row.model} ECE`).toBeLessThan(0.0015);
    }
  });
});
