/**
 * The default /reliability comparison against real Postgres: the candidates' n and provenance as the SQL reads them
 * (checked against the stored predictions), and the ranking over the real Plaut et al. imports plus a 4-question
 * comparison with more variants, which must not win.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { freshDatabase, type TestDatabase } from "../support/db";
import { writeMeasuredFixture } from "../support/measured-fixture";
import { importPlautDemo, PLAUT_BENCHMARK, PLAUT_MODELS } from "../../lib/import/plaut-demo";
import { poolFor } from "../../lib/db/pool";
import { comparisonCandidates, defaultComparison } from "../../lib/db/queries/reliability";

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase("reliability_default");
  pool = poolFor(db.url);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe("defaultComparison", () => {
  it("is null with nothing measured", async () => {
    expect(await defaultComparison(pool)).toBeNull();
  });

  it("opens on a real Plaut base/chat pair, never on a 4-question comparison with more variants", async () => {
    await importPlautDemo(pool);
    await writeMeasuredFixture(db.url, {
      benchmark: "FewQ",
      family: "Tiny",
      languages: ["de", "sw"],
      questionsPerLanguage: 4,
      tuned: ["Alpaca", "Dolly"].map((sftDataset) => ({ sftDataset, betas: [0, 0.1] })),
      resamples: 0,
    });
    const candidates = await comparisonCandidates(pool);
    // n is the predictions behind each model's stats, as stored.
    const counts = await pool.query<{ name: string; n: number }>(
      `SELECT m."name", count(*)::int AS n FROM "Prediction" p JOIN "Run" r ON r."id" = p."runId" JOIN "Model" m ON m."id" = r."modelId" GROUP BY m."name"`,
    );
    for (const c of candidates) {
      expect(c.n, c.name).toBe(counts.rows.find((r) => r.name === c.name)?.n);
      expect(c.imported).toBe(true);
    }
    expect(candidates.find((c) => c.name === "Tiny")?.maxN).toBe(4);

    const choice = await defaultComparison(pool);
    const bases = PLAUT_MODELS.filter((m) => !m.base);
    expect(choice?.benchmark).toBe(PLAUT_BENCHMARK);
    const base = bases.find((b) => b.model === choice?.base);
    expect(base).toBeDefined();
    expect(choice?.variants).toEqual(PLAUT_MODELS.filter((m) => m.base === base?.model).map((m) => m.model));
  });

  it("a worker run drawn for the chosen base makes it a worker comparison: another real pair wins", async () => {
    const first = (await defaultComparison(pool))!;
    await pool.query(
      `UPDATE "Run" SET "provenance" = 'worker' WHERE "modelId" = (SELECT "id" FROM "Model" WHERE "name" = $1)`,
      [first.base],
    );
    const next = await defaultComparison(pool);
    expect(next?.benchmark).toBe(PLAUT_BENCHMARK);
    expect(next?.base).not.toBe(first.base);
    expect(next?.base).not.toBe("Tiny");
  });
});
