/**
 * The analysis read models (issue 14) on the measured fixture: /averages' micro equals the metrics of the
 * pooled predictions, /shifts' counts equal a direct count over the two runs' predictions, /recalibration's
 * "before" ECE equals the stored per-language ECE, and /resource-effect's Δ and ρ come from the stored stats.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeMetrics, labelledSet, spearmanRho } from "../../lib/calibration";
import { poolFor } from "../../lib/db/pool";
import { getAverages } from "../../lib/db/queries/averages";
import { getRecalibration } from "../../lib/db/queries/recalibration";
import { getResourceEffect } from "../../lib/db/queries/resource-effect";
import { getShifts } from "../../lib/db/queries/shifts";
import { freshDatabase, type TestDatabase } from "../support/db";
import { type MeasuredFixture, writeMeasuredFixture } from "../support/measured-fixture";

let db: TestDatabase;
let fx: MeasuredFixture;

beforeAll(async () => {
  db = await freshDatabase("analysis");
  fx = await writeMeasuredFixture(db.url, { languages: ["en", "de", "sw", "am", "zh"], questionsPerLanguage: 80, tuned: [{ sftDataset: "Alpaca", betas: [0, 0.1] }], resamples: 10 });
});
afterAll(async () => {
  await poolFor(db.url).end();
  await db.drop();
});

async function predictions(runId: number) {
  const r = await poolFor(db.url).query<{ probs: number[]; gold: number; correct: boolean; confidence: number; lang: string; qid: number; ext: string }>(
    `SELECT p."probs", q."gold", p."correct", p."confidence", q."languageCode" AS lang, q."id" AS qid, q."externalId" AS ext
     FROM "Prediction" p JOIN "Question" q ON q."id" = p."questionId" WHERE p."runId" = $1 ORDER BY p."questionId"`,
    [runId],
  );
  return r.rows;
}

describe("analysis read models", () => {
  it("averages: micro = metrics of the pooled predictions; macro = mean of stored per-language values", async () => {
    const data = await getAverages(poolFor(db.url), fx.benchmark);
    const base = fx.models.find((m) => m.sftDataset === null)!;
    const row = data.measured.find((m) => m.model === base.name)!;
    const rows = await predictions(base.runId);
    const pooled = computeMetrics(labelledSet(rows.map((r) => r.probs), rows.map((r) => r.gold)), { bins: 15, binning: "equal-width" });
    expect(row.micro.n).toBe(rows.length);
    for (const k of ["accuracy", "confidence", "ece", "rms", "mce", "brier", "nll"] as const) expect(row.micro[k]).toBeCloseTo(pooled[k] as number, 9);
    const stored = await poolFor(db.url).query<{ ece: number }>(`SELECT "ece" FROM "RunLanguageStats" WHERE "runId" = $1 AND "binning" = 'equal-width'`, [base.runId]);
    expect(row.macro.ece).toBeCloseTo(stored.rows.reduce((s, r) => s + r.ece, 0) / stored.rows.length, 12);
    expect(row.macro.languages).toBe(5);
    // Pooled equal-mass: the library's equal-mass metrics of all predictions, languages in code order, questions by id.
    const byLang = [...rows].sort((a, b) => (a.lang < b.lang ? -1 : a.lang > b.lang ? 1 : a.qid - b.qid));
    const em = computeMetrics(labelledSet(byLang.map((r) => r.probs), byLang.map((r) => r.gold)), { bins: 15, binning: "equal-mass" });
    expect(row.microEqualMass).toEqual({ ece: em.ece, rms: em.rms, n: rows.length, bins: 15 });
    const storedEm = await poolFor(db.url).query<{ ece: number; rms: number }>(`SELECT "ece", "rms" FROM "RunLanguageStats" WHERE "runId" = $1 AND "binning" = 'equal-mass'`, [base.runId]);
    expect(row.eceEqualMassMacro).toBeCloseTo(storedEm.rows.reduce((s, r) => s + r.ece, 0) / storedEm.rows.length, 12);
    // Not a mean of per-language values: pooling changes the figure.
    expect(Math.abs(row.microEqualMass!.ece - row.eceEqualMassMacro!)).toBeGreaterThan(1e-6);
  });

  it("shifts: flips and confident-and-wrong counts equal a direct count over both runs", async () => {
    const tuned = fx.models.find((m) => m.sftDataset === "Alpaca" && m.smoothing === 0)!;
    const base = fx.models.find((m) => m.sftDataset === null)!;
    const data = (await getShifts(poolFor(db.url), fx.benchmark, tuned.name, "sw"))!;
    expect(data.base.runId).toBe(base.runId);
    const b = new Map((await predictions(base.runId)).filter((r) => r.lang === "sw").map((r) => [r.qid, r]));
    const t = (await predictions(tuned.runId)).filter((r) => r.lang === "sw");
    expect(data.rows.length).toBe(t.length);
    const r2w = t.filter((r) => b.get(r.qid)!.correct && !r.correct).length;
    expect(data.rows.filter((r) => r.baseCorrect && !r.tunedCorrect).length).toBe(r2w);
    expect(data.rows.every((r) => r.tunedConfidence === t.find((x) => x.qid === r.questionId)!.confidence)).toBe(true);
    expect(await getShifts(poolFor(db.url), fx.benchmark, base.name, "sw")).toBeNull(); // a base model has no base
  });

  it("recalibration: 'before' equals the stored ECE; three fits per language; English − own paired", async () => {
    const tuned = fx.models.find((m) => m.sftDataset === "Alpaca" && m.smoothing === 0)!;
    const pool = poolFor(db.url);
    const data = (await getRecalibration(pool, fx.benchmark, tuned.name, "temperature"))!;
    expect(data.labelled).toBe(true);
    const stored = await pool.query<{ lang: string; ece: number }>(
      `SELECT "languageCode" AS lang, "ece" FROM "RunLanguageStats" WHERE "runId" = $1 AND "binning" = 'equal-width'`,
      [tuned.runId],
    );
    for (const s of stored.rows) expect(data.languages.find((l) => l.language === s.lang)!.before.ece).toBeCloseTo(s.ece, 12);
    // the fixture's tuned model is over-confident: temperature > 1 and an out-of-sample ECE that drops on average
    expect(data.temperatures.english).toBeGreaterThan(1);
    const mean = (f: (l: (typeof data.languages)[number]) => number) => data.languages.reduce((s, l) => s + f(l), 0) / data.languages.length;
    expect(mean((l) => l.after["per-language"]!.ece)).toBeLessThan(mean((l) => l.before.ece));
    for (const l of data.languages) expect(l.englishMinusOwn!.ece).toBeCloseTo(l.after.english!.ece - l.after["per-language"]!.ece, 12);
    expect(await getRecalibration(pool, fx.benchmark, tuned.name, "temperature")).toBe(data); // cached
    const iso = (await getRecalibration(pool, fx.benchmark, tuned.name, "isotonic"))!;
    expect(iso.temperatures).toEqual({});
    // stored write-through for other processes, keyed by the stats version; a stats recompute invalidates it
    const row = await pool.query<{ result: unknown; statsVersion: string }>(`SELECT "result", "statsVersion" FROM "RecalibrationResult" WHERE "runId" = $1 AND "method" = 'temperature'`, [tuned.runId]);
    expect(row.rows[0].result).toEqual(JSON.parse(JSON.stringify(data)));
    await pool.query(`UPDATE "RunLanguageStats" SET "computedAt" = now() + interval '1 minute' WHERE "runId" = $1`, [tuned.runId]);
    const again = (await getRecalibration(pool, fx.benchmark, tuned.name, "temperature"))!;
    expect(again).not.toBe(data);
    expect(again.languages.map((l) => l.after.english!.ece)).toEqual(data.languages.map((l) => l.after.english!.ece)); // same seed, same numbers
    const row2 = await pool.query<{ statsVersion: string }>(`SELECT "statsVersion" FROM "RecalibrationResult" WHERE "runId" = $1 AND "method" = 'temperature'`, [tuned.runId]);
    expect(row2.rows[0].statsVersion).not.toBe(row.rows[0].statsVersion);
  });

  it("resource effect: Δ ECE = tuned − base stored ECE per language; ρ = Spearman over (class, Δ)", async () => {
    const data = (await getResourceEffect(poolFor(db.url), { benchmark: fx.benchmark, sources: ["measured"] }))!;
    const tuned = fx.models.find((m) => m.sftDataset === "Alpaca" && m.smoothing === 0)!;
    const base = fx.models.find((m) => m.sftDataset === null)!;
    const c = data.configurations.find((x) => x.column.model === tuned.name)!;
    const ece = async (runId: number) =>
      new Map((await poolFor(db.url).query<{ lang: string; ece: number }>(`SELECT "languageCode" AS lang, "ece" FROM "RunLanguageStats" WHERE "runId" = $1 AND "binning" = 'equal-width'`, [runId])).rows.map((r) => [r.lang, r.ece]));
    const [t, b] = await Promise.all([ece(tuned.runId), ece(base.runId)]);
    for (const p of c.points) expect(p.delta).toBeCloseTo(t.get(p.language)! - b.get(p.language)!, 12);
    expect(c.rho).toBeCloseTo(spearmanRho(c.points.map((p) => p.resourceClass), c.points.map((p) => p.delta)), 14);
    expect(data.configurations.length).toBe(2);
    expect(data.configurations.every((x) => x.pHolm === null || x.pHolm >= (x.pValue as number))).toBe(true);
  });
});
