/**
 * The questions of a reliability bin, checked against the bins computed here from the stored predictions:
 * equal-width membership floor(c·M) (last bin closed), equal-mass groups of numpy.array_split's sizes over
 * (confidence, id) order, paging, a page past the end — and a language whose question ids interleave with
 * another language's (the query reads a primary-key range and must still keep only its own language).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { freshDatabase, type TestDatabase } from "../support/db";
import { writeMeasuredFixture, type MeasuredFixture } from "../support/measured-fixture";
import { poolFor } from "../../lib/db/pool";
import { BIN_PAGE_SIZE, getBinQuestions } from "../../lib/db/queries/questions";

let db: TestDatabase;
let pool: pg.Pool;
let fx: MeasuredFixture;

beforeAll(async () => {
  db = await freshDatabase("bin_questions");
  fx = await writeMeasuredFixture(db.url, { languages: ["de", "sw"], questionsPerLanguage: 450, resamples: 0 });
  pool = poolFor(db.url);
  // A "de" question stored after all "sw" questions: de's id range now spans sw's.
  const run = fx.models[0].runId;
  const q = await pool.query<{ id: number }>(
    `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "optionCount", "gold", "options")
     VALUES ($1, 'de', 'late-1', 4, 0, '["a","b","c","d"]') RETURNING "id"`,
    [fx.benchmarkId],
  );
  await pool.query(
    `INSERT INTO "Prediction" ("runId", "questionId", "probs", "predicted", "confidence", "correct") VALUES ($1, $2, '{0.7,0.1,0.1,0.1}', 0, 0.7, true)`,
    [run, q.rows[0].id],
  );
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function expected(runId: number, language: string) {
  const r = await pool.query<{ id: number; c: number }>(
    `SELECT q."id", (SELECT max(x) FROM unnest(p."probs") x) AS c FROM "Prediction" p JOIN "Question" q ON q."id" = p."questionId"
     WHERE p."runId" = $1 AND q."languageCode" = $2 AND q."benchmarkId" = $3`,
    [runId, language, fx.benchmarkId],
  );
  return r.rows.sort((a, b) => a.c - b.c || a.id - b.id);
}

describe("getBinQuestions", () => {
  const M = 15;
  it("equal-width bins hold exactly the predictions whose confidence falls in them, in order, paged", async () => {
    const runId = fx.models[0].runId;
    const all = await expected(runId, "de");
    expect(all.length).toBe(451);
    let seen = 0;
    for (let bin = 0; bin < M; bin++) {
      const want = all.filter((x) => Math.min(Math.floor(x.c * M), M - 1) === bin).map((x) => x.id);
      const got = await getBinQuestions(pool, { runId, language: "de", binning: "equal-width", bins: M, bin, page: 1 });
      expect(got.total).toBe(want.length);
      expect(got.questions.map((x) => x.id)).toEqual(want.slice(0, BIN_PAGE_SIZE));
      if (want.length > BIN_PAGE_SIZE) {
        const p2 = await getBinQuestions(pool, { runId, language: "de", binning: "equal-width", bins: M, bin, page: 2 });
        expect(p2.questions.map((x) => x.id)).toEqual(want.slice(BIN_PAGE_SIZE, 2 * BIN_PAGE_SIZE));
      }
      expect(Object.keys(got.questions[0] ?? { id: 0, externalId: "", text: null, confidence: 0, predicted: 0, correct: true, gold: null }).sort()).toEqual(
        ["confidence", "correct", "externalId", "gold", "id", "predicted", "text"],
      );
      seen += want.length;
    }
    expect(seen).toBe(451);
  });

  it("equal-mass bins are numpy.array_split groups of the (confidence, id) order, with their edges", async () => {
    const runId = fx.models[1].runId;
    const all = await expected(runId, "de");
    const n = all.length;
    const base = Math.floor(n / M);
    const extra = n % M;
    for (const bin of [0, 1, extra, M - 1]) {
      const start = bin * base + Math.min(bin, extra);
      const group = all.slice(start, start + base + (bin < extra ? 1 : 0));
      const got = await getBinQuestions(pool, { runId, language: "de", binning: "equal-mass", bins: M, bin, page: 1 });
      expect(got.total).toBe(group.length);
      expect(got.questions.map((x) => x.id)).toEqual(group.map((x) => x.id));
      expect(got.lower).toBe(group[0].c);
      expect(got.upper).toBe(group[group.length - 1].c);
      const past = await getBinQuestions(pool, { runId, language: "de", binning: "equal-mass", bins: M, bin, page: 9 });
      expect(past.questions).toEqual([]);
      expect([past.total, past.lower, past.upper]).toEqual([got.total, got.lower, got.upper]);
    }
  });

  it("keeps to its language when another language's ids lie inside its id range", async () => {
    const runId = fx.models[0].runId;
    const sw = new Set((await expected(runId, "sw")).map((x) => x.id));
    for (let bin = 0; bin < M; bin++) {
      const got = await getBinQuestions(pool, { runId, language: "de", binning: "equal-mass", bins: M, bin, page: 1 });
      for (const q of got.questions) expect(sw.has(q.id)).toBe(false);
    }
  });
});
