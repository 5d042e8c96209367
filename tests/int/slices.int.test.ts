/**
 * Slices end to end on a real PostgreSQL (issue 14 part 1): importers keep subject category, cultural label and
 * src; RunSliceStats hold, per (run, language, slice), the metrics of exactly that slice's predictions (checked
 * against lib/calibration on the subset and against hand-computed accuracy, confidence and 15-bin ECE); small
 * slices are stored with their n but refused by the views' reads; hostile slice values are named refusals.
 */
import { writeFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { fixture, tempFile } from "../support/import-helpers";
import { importFiles } from "../../lib/import/import-files";
import { bootstrapIntervals, computeMetrics, labelledSet, Rng } from "../../lib/calibration/index";
import { recomputeSliceStats } from "../../lib/db/slice-stats";
import { getHeatmapData } from "../../lib/db/queries/heatmap";
import { getResults } from "../../lib/db/queries/results";
import { refusedSlices, sliceOptions, statsFrom } from "../../lib/db/queries/slices";
import { MIN_SLICE_N, questionSliceKeys } from "../../lib/slices/slice";
import { AtlasError } from "../../lib/errors";

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase("slices");
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

interface Row {
  id: string;
  language: string;
  probs: number[];
  label: number;
  subject_category?: string;
  cultural_sensitivity_label?: string;
}

const CATEGORIES = ["STEM", "Humanities", "Social Sciences"];
/** 330 questions per language: three categories of 100, 110 and 120, plus "Medical" with 12 (below MIN_SLICE_N). */
function generate(lang: string, rng: Rng): Row[] {
  const rows: Row[] = [];
  const add = (category: string, i: number) => {
    const e = Array.from({ length: 4 }, () => Math.exp(2.5 * rng.nextNormal()));
    const s = e.reduce((a, b) => a + b);
    const cultural = ["CS", "CA", "CA", "-"][i % 4];
    rows.push({ id: `${category}/${i}`, language: lang, probs: e.map((x) => x / s), label: rng.nextInt(4), subject_category: category, cultural_sensitivity_label: cultural });
  };
  CATEGORIES.forEach((c, k) => {
    for (let i = 0; i < 100 + 10 * k; i++) add(c, i);
  });
  for (let i = 0; i < 12; i++) add("Medical", i);
  return rows;
}

/** Accuracy, mean confidence and ECE over 15 equal-width bins, computed here without the library. */
function byHand(rows: Row[]): { n: number; accuracy: number; confidence: number; ece: number } {
  const bins = Array.from({ length: 15 }, () => ({ n: 0, right: 0, conf: 0 }));
  let right = 0;
  let conf = 0;
  for (const r of rows) {
    const c = Math.max(...r.probs);
    const ok = r.probs.indexOf(c) === r.label ? 1 : 0;
    right += ok;
    conf += c;
    const b = bins[Math.min(14, Math.floor(c * 15))];
    b.n++;
    b.right += ok;
    b.conf += c;
  }
  const ece = bins.reduce((s, b) => s + (b.n ? (b.n / rows.length) * Math.abs(b.right / b.n - b.conf / b.n) : 0), 0);
  return { n: rows.length, accuracy: right / rows.length, confidence: conf / rows.length, ece };
}

const cultural = (v: string | undefined) => (v === "CS" || v === "CA" ? v : null);

describe("slices", () => {
  it("imports keep subject_category / cultural_sensitivity_label (lm-eval GlobalMMLU) and category / src (MMLU-ProX)", async () => {
    await importFiles({ db: pool, files: [fixture("lm-eval", "samples_global_mmlu_full_de_abstract_algebra_2024-11-30T10-15-42.381204.jsonl")], model: "LM", benchmark: "GlobalMMLU" });
    await importFiles({ db: pool, files: [fixture("lm-eval", "samples_mmlu_prox_sw_biology_2025-02-03T08-30-11.004521.jsonl")], model: "LM", benchmark: "MMLU-ProX" });
    const q = await pool.query<{ b: string; subjectCategory: string | null; culturalLabel: string | null; src: string | null }>(
      `SELECT b."name" AS b, q."subjectCategory", q."culturalLabel", q."src" FROM "Question" q JOIN "Benchmark" b ON b."id" = q."benchmarkId" ORDER BY b."name", q."id"`,
    );
    expect(q.rows.filter((r) => r.b === "GlobalMMLU").map((r) => [r.subjectCategory, r.culturalLabel, r.src])).toEqual([
      ["STEM", "CA", null],
      ["STEM", "CS", null],
      ["STEM", "CA", null],
      ["STEM", "CA", null],
    ]);
    expect(q.rows.filter((r) => r.b === "MMLU-ProX").map((r) => [r.subjectCategory, r.culturalLabel, r.src])).toEqual(
      Array(3).fill(["biology", null, "ori_mmlu-high_school_biology"]),
    );
  });

  const data: Record<string, Row[]> = {};
  let runId = 0;

  it("stores per (language, slice) the metrics of exactly that slice's predictions", async () => {
    const rng = new Rng("slices-int");
    for (const lang of ["sw", "yo"]) data[lang] = generate(lang, rng);
    const file = tempFile("sliced.jsonl", Object.values(data).flat().map((r) => JSON.stringify(r)).join("\n") + "\n");
    const r = await importFiles({ db: pool, files: [file], model: "Sliced", benchmark: "Sliced-Bench" });
    runId = r.runId;
    const stored = await pool.query<{ languageCode: string; slice: string; binning: string; n: number; accuracy: number; confidence: number; ece: number; rms: number; nll: number; intervals: Record<string, unknown> }>(
      `SELECT "languageCode", "slice", "binning", "n", "accuracy", "confidence", "ece", "rms", "nll", "intervals" FROM "RunSliceStats" WHERE "runId" = $1 ORDER BY 1, 2, 3`,
      [runId],
    );
    const expectedSlices = ["CA", "CS", "category:Humanities", "category:Medical", "category:STEM", "category:Social Sciences"];
    expect([...new Set(stored.rows.map((x) => x.slice))].sort()).toEqual(expectedSlices);
    expect(stored.rows).toHaveLength(2 * expectedSlices.length * 2);
    for (const row of stored.rows) {
      const subset = data[row.languageCode].filter((q) =>
        questionSliceKeys({ subjectCategory: q.subject_category ?? null, culturalLabel: cultural(q.cultural_sensitivity_label) }).includes(row.slice),
      );
      const hand = byHand(subset);
      expect(row.n).toBe(hand.n);
      expect(row.accuracy).toBeCloseTo(hand.accuracy, 12);
      expect(row.confidence).toBeCloseTo(hand.confidence, 12);
      const lib = computeMetrics(labelledSet(subset.map((q) => q.probs), subset.map((q) => q.label)), { binning: row.binning as "equal-width" | "equal-mass" });
      expect(row.ece).toBe(lib.ece);
      expect(row.rms).toBe(lib.rms);
      expect(row.nll).toBe(lib.nll);
      if (row.binning === "equal-width") expect(row.ece).toBeCloseTo(hand.ece, 12);
      // The statistics step computes no intervals for slices (lib/db/slice-stats.ts).
      expect(row.intervals).toEqual({});
    }
    // The CS slice is not the whole language minus CA: unknown labels are in neither.
    const sw = stored.rows.filter((x) => x.languageCode === "sw" && x.binning === "equal-width");
    const n = (s: string) => sw.find((x) => x.slice === s)!.n;
    expect(n("CS") + n("CA")).toBeLessThan(data.sw.length);
  });

  it("on request, intervals for drawn slices equal the seeded bootstrap of the subset", async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await recomputeSliceStats(client, runId, { bootstrap: 20, languages: ["yo"] });
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    const rows = await pool.query<{ slice: string; n: number; intervals: Record<string, unknown> }>(
      `SELECT "slice", "n", "intervals" FROM "RunSliceStats" WHERE "runId" = $1 AND "languageCode" = 'yo' AND "binning" = 'equal-width' ORDER BY 1`,
      [runId],
    );
    for (const row of rows.rows) {
      if (row.n < MIN_SLICE_N) {
        expect(row.intervals).toEqual({});
        continue;
      }
      const subset = data.yo.filter((q) =>
        questionSliceKeys({ subjectCategory: q.subject_category ?? null, culturalLabel: cultural(q.cultural_sensitivity_label) }).includes(row.slice),
      );
      const set = labelledSet(subset.map((q) => q.probs), subset.map((q) => q.label));
      const iv = bootstrapIntervals(set, { resamples: 20, seed: `${runId}/yo/${row.slice}` })["equal-width"];
      expect(row.intervals).toEqual(JSON.parse(JSON.stringify(iv)));
    }
    // sw untouched
    expect((await pool.query(`SELECT 1 FROM "RunSliceStats" WHERE "runId" = $1 AND "languageCode" = 'sw' AND "intervals" <> '{}'::jsonb`, [runId])).rowCount).toBe(0);
  });

  it("views read the slice: only n ≥ MIN_SLICE_N, no published figures; refused slices are listed with their n", async () => {
    const heat = await getHeatmapData(pool, { benchmark: "Sliced-Bench", metric: "ece", sources: ["measured", "published"], slice: "category:STEM" });
    const col = heat!.columns.find((c) => c.model === "Sliced")!;
    expect(heat!.counts[col.key]).toEqual({ sw: 100, yo: 100 });
    const small = await getHeatmapData(pool, { benchmark: "Sliced-Bench", metric: "ece", sources: ["measured"], slice: "category:Medical" });
    expect(small!.columns).toHaveLength(0);
    expect(await refusedSlices(pool, "Sliced-Bench", "category:Medical")).toEqual([
      { model: "Sliced", language: "sw", n: 12 },
      { model: "Sliced", language: "yo", n: 12 },
    ]);
    expect(await refusedSlices(pool, "Sliced-Bench", "category:STEM")).toEqual([]);
    // CS is a quarter of each language here: 86 questions, refused.
    expect((await refusedSlices(pool, "Sliced-Bench", "CS")).map((x) => x.n)).toEqual([86, 86]);
    const options = await sliceOptions(pool, "Sliced-Bench");
    expect(options.find((o) => o.slice === "category:Medical")).toEqual({ slice: "category:Medical", cells: 2, minN: 12, maxN: 12 });
    const res = await getResults(pool, { benchmark: "Sliced-Bench", sources: ["measured", "published"], families: [], sft: [], betas: [], languages: [], metrics: ["accuracy"], textColumns: ["language"], slice: "CA" });
    expect(res.count).toBe(2);
    const hand = byHand(data.sw.filter((q) => q.cultural_sensitivity_label === "CA"));
    const i = res.cat.language!.indexOf("sw");
    expect(res.val.accuracy![i]).toBeCloseTo(hand.accuracy, 12);
    expect(() => statsFrom("category:'; DROP TABLE x; --")).not.toThrow(); // a valid slice name, written as a literal
    expect(() => statsFrom("nonsense")).toThrow(AtlasError);
  });

  it("refuses hostile slice values naming file:line and the field; nothing is written", async () => {
    const before = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Question"`)).rows[0].n;
    const bad = [
      JSON.stringify({ id: "a", language: "sw", probs: [0.5, 0.5], label: 0 }),
      JSON.stringify({ id: "b", language: "sw", probs: [0.5, 0.5], label: 0, subject_category: "ST\u001bEM" }),
    ].join("\n");
    const file = tempFile("hostile-slice.jsonl", bad);
    await expect(importFiles({ db: pool, files: [file], model: "H", benchmark: "H" })).rejects.toMatchObject({
      code: "BAD_INPUT",
      where: { file: "hostile-slice.jsonl", line: 2, field: "subject_category" },
    });
    writeFileSync(file, JSON.stringify({ id: "c", language: "sw", probs: [0.5, 0.5], label: 0, src: "x".repeat(201) }) + "\n");
    await expect(importFiles({ db: pool, files: [file], model: "H", benchmark: "H" })).rejects.toThrow(/at most 200/);
    expect((await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Question"`)).rows[0].n).toBe(before);
  });
});
