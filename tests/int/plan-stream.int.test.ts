/**
 * Planning streams the dataset (workers/evaluation/plan-questions.ts): one reading pass, one COPY of new questions
 * per language, stored questions completed or skipped. What must not change with that: the ids questions get (the
 * order of a whole-dataset read), questions stored incomplete by a scores-only import gaining their text, options
 * and gold, nothing rewritten when planning again, and nothing written at all when a row anywhere is bad — even after
 * other languages were already COPY'd in the transaction.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";

const root = path.resolve(import.meta.dirname, "../..");
const FIX = path.join(root, "tests/fixtures/datasets");
process.env.ATLAS_MODELS_DIR = path.join(root, "tests/fixtures/models");

let db: TestDatabase;
let pool: import("pg").Pool;
let dir: string;
let m: {
  planEvaluation: typeof import("../../workers/evaluation/plan").planEvaluation;
  stopBosses: typeof import("../../workers/queue/boss").stopBosses;
  loadDataset: typeof import("../../lib/datasets").loadDataset;
  parse: (x: unknown) => import("../../workers/evaluation/request").EvaluationRequest;
};

beforeAll(async () => {
  db = await freshDatabase("plan_stream");
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  const schema = (await import("../../workers/evaluation/request")).evaluationRequestSchema;
  m = {
    planEvaluation: (await import("../../workers/evaluation/plan")).planEvaluation,
    stopBosses: (await import("../../workers/queue/boss")).stopBosses,
    loadDataset: (await import("../../lib/datasets")).loadDataset,
    parse: (x) => schema.parse(x),
  };
  const { registerModel } = await import("../../cli/commands/register-model");
  await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
  dir = mkdtempSync(path.join(tmpdir(), "atlas-plan-stream-"));
});

afterAll(async () => {
  await m?.stopBosses();
  await pool?.end();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A dataset folder made of fixture files (source path relative to tests/fixtures/datasets → name in the folder). */
function folder(name: string, files: Record<string, string>): string {
  const out = path.join(dir, name);
  rmSync(out, { recursive: true, force: true });
  for (const [target, source] of Object.entries(files)) {
    const to = path.join(out, target);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(FIX, source), to);
  }
  return out;
}

const request = (benchmark: string, data: string, extra: object = {}) =>
  m.parse({ model: "tiny-gpt2", benchmark, data, method: "letter", ...extra });

async function questions(benchmark: string) {
  const r = await pool.query<{ id: number; lang: string; ext: string; text: string | null; gold: number | null; options: string[]; subject: string | null; xmin: string }>(
    `SELECT q."id", q."languageCode" AS lang, q."externalId" AS ext, q."text", q."gold", q."options", q."subject", q.xmin::text AS xmin
       FROM "Question" q JOIN "Benchmark" b ON b."id" = q."benchmarkId" WHERE b."name" = $1 ORDER BY q."id"`,
    [benchmark],
  );
  return r.rows;
}

describe("planning a streamed dataset", () => {
  it("gives questions the ids of a whole-dataset read: each language's files together, languages in the order of their first file", async () => {
    // en has two test files that are not neighbours in folder order (en_test.csv … test_en.jsonl, with hi between);
    // their ids are distinct, so both are planned.
    const data = folder("order", {
      "en_test.csv": "globalmmlu/csv/en_test.csv",
      "hi_test.csv": "globalmmlu/csv/hi_test.csv",
      "dev_en.jsonl": "globalmmlu/jsonl/dev_en.jsonl",
      "test_en.jsonl": "globalmmlu/jsonl/test_en.jsonl",
    });
    const jsonl = path.join(data, "test_en.jsonl");
    writeFileSync(jsonl, readFileSync(jsonl, "utf8").replaceAll('"sample_id": "', '"sample_id": "jsonl-'));
    const plan = await m.planEvaluation(pool, db.url, request("Order", data));
    const all = (await m.loadDataset(data)).questions.filter((q) => q.split === "test");
    const expected = [...all.filter((q) => q.language === "en"), ...all.filter((q) => q.language === "hi")];
    const stored = await questions("Order");
    expect(stored.map((q) => [q.lang, q.ext])).toEqual(expected.map((q) => [q.language, q.externalId]));
    expect(stored.map((q) => q.id)).toEqual(stored.map((_, i) => stored[0].id + i));
    expect(plan.splits.map((s) => [s.language, s.total])).toEqual([["en", 8], ["hi", 4]]);
    // The benchmark is not a known one: created with the largest option count read.
    const b = await pool.query(`SELECT "optionCount" FROM "Benchmark" WHERE "name" = 'Order'`);
    expect(b.rows[0].optionCount).toBe(4);
  });

  it("completes questions a scores-only import stored, leaves complete ones alone, and rewrites nothing when planned again", async () => {
    const data = path.join(FIX, "globalmmlu/jsonl");
    const en = (await m.loadDataset(data, { language: "en", split: "test" })).questions;
    const b = await pool.query<{ id: number }>(`INSERT INTO "Benchmark" ("name", "optionCount") VALUES ('GlobalMMLU', 4) RETURNING "id"`);
    const bid = b.rows[0].id;
    // en's first question as a scores-only import stores it (no text, options or gold); its second complete, with
    // a text of its own that planning must keep.
    await pool.query(`INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "optionCount") VALUES ($1, 'en', $2, 4)`, [bid, en[0].externalId]);
    await pool.query(
      `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "subject", "text", "options", "optionCount", "gold") VALUES ($1, 'en', $2, 's', 'stored text', '["a","b","c","d"]', 4, 0)`,
      [bid, en[1].externalId],
    );
    const plan = await m.planEvaluation(pool, db.url, request("GlobalMMLU", data));
    expect(plan.created).toBe(true);
    const stored = await questions("GlobalMMLU");
    const byExt = new Map(stored.filter((q) => q.lang === "en").map((q) => [q.ext, q]));
    expect(byExt.get(en[0].externalId)).toMatchObject({ text: en[0].question, options: en[0].options, gold: en[0].gold, subject: en[0].subject });
    expect(byExt.get(en[1].externalId)).toMatchObject({ text: "stored text", options: ["a", "b", "c", "d"], gold: 0 });
    const all = (await m.loadDataset(data)).questions.filter((q) => q.split === "test");
    expect(stored).toHaveLength(all.length);

    const again = await m.planEvaluation(pool, db.url, request("GlobalMMLU", data));
    expect(again).toMatchObject({ runId: plan.runId, created: false });
    // No row version changed: a complete question is skipped, not updated to itself.
    expect((await questions("GlobalMMLU")).map((q) => [q.id, q.xmin])).toEqual(stored.map((q) => [q.id, q.xmin]));
  });

  it("writes nothing when a row of the last file is bad, after other languages were already written", async () => {
    const data = folder("bad-last", {
      "test_ar.jsonl": "globalmmlu/jsonl/test_ar.jsonl",
      "test_en.jsonl": "globalmmlu/jsonl/test_en.jsonl",
      "test_zh.jsonl": "globalmmlu/jsonl/test_zh.jsonl",
    });
    const zh = path.join(data, "test_zh.jsonl");
    const lines = readFileSync(zh, "utf8").trimEnd().split("\n");
    lines[2] = lines[2].replace(/"answer": "[A-D]"/, '"answer": "Q"');
    writeFileSync(zh, lines.join("\n") + "\n");
    await expect(m.planEvaluation(pool, db.url, request("BadLast", data))).rejects.toThrow(/test_zh\.jsonl:3, field "answer": answer "Q" is not a letter/);
    expect(await questions("BadLast")).toEqual([]);
    const b = await pool.query(`SELECT count(*)::int AS n FROM "Benchmark" WHERE "name" = 'BadLast'`);
    expect(b.rows[0].n).toBe(0);
  });

  it("refuses the same question in two files of one language, naming both", async () => {
    const data = folder("dup", {
      "en_test.csv": "globalmmlu/csv/en_test.csv",
      "test_en.jsonl": "globalmmlu/jsonl/test_en.jsonl",
    });
    await expect(m.planEvaluation(pool, db.url, request("Dup", data))).rejects.toThrow(/test_en\.jsonl: question ".*" \(en, test\) is also in .*en_test\.csv/);
    expect(await questions("Dup")).toEqual([]);
  });

  it("refuses questions with more options than a stored benchmark has, writing nothing", async () => {
    // MMLU-ProX rows: the first has 3 options, the second 5.
    const row = (id: number, options: number) => ({
      question_id: id,
      question: `Q${id}?`,
      ...Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`option_${k}`, k < options ? `o${k}` : null])),
      answer: "A",
      answer_index: 0,
      category: "math",
    });
    const data = path.join(dir, "options");
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, "test_en.jsonl"), [row(1, 3), row(2, 5)].map((r) => JSON.stringify(r)).join("\n") + "\n");
    // limit 1: a new benchmark takes the largest option count among the questions kept.
    await m.planEvaluation(pool, db.url, request("Pro", data, { limit: 1 }));
    const b = await pool.query(`SELECT "optionCount" FROM "Benchmark" WHERE "name" = 'Pro'`);
    expect(b.rows[0].optionCount).toBe(3);
    const before = await questions("Pro");
    expect(before).toHaveLength(1);
    await expect(m.planEvaluation(pool, db.url, request("Pro", data))).rejects.toThrow("questions have 5 options but Pro has 3");
    expect(await questions("Pro")).toEqual(before);
  });

  it("refuses a language without test files before reading anything", async () => {
    await expect(m.planEvaluation(pool, db.url, request("GlobalMMLU", path.join(FIX, "globalmmlu/csv"), { languages: ["sw"] }))).rejects.toThrow(
      /no test questions for language "sw"/,
    );
  });
});
