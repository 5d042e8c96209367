/**
 * Planning whole benchmarks at their published size: GlobalMMLU (42 × 14,042 questions, 589,764) and MMLU-ProX
 * (29 × 11,829, 343,041, up to 10 options), generated in the real layouts (Parquet, JSONL and CSV; see
 * testkit/full-size-datasets.ts). Asserts counts and the memory bound as the number of questions held at once (one read
 * batch: at most one language's file here, never the dataset), not time (time and peak RSS are reported by
 * `npm run bench:plan`).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { FULL_SIZE, fullSizeDataset, fullSizeLanguages, type FullSizeBenchmark } from "../../testkit/full-size-datasets";

const root = path.resolve(import.meta.dirname, "../..");
process.env.ATLAS_MODELS_DIR = path.join(root, "tests/fixtures/models");

let db: TestDatabase;
let pool: import("pg").Pool;
let planEvaluation: typeof import("../../workers/evaluation/plan").planEvaluation;
let stopBosses: typeof import("../../workers/queue/boss").stopBosses;
let parse: typeof import("../../workers/evaluation/request").evaluationRequestSchema.parse;

beforeAll(async () => {
  db = await freshDatabase("plan_full");
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  planEvaluation = (await import("../../workers/evaluation/plan")).planEvaluation;
  stopBosses = (await import("../../workers/queue/boss")).stopBosses;
  const schema = (await import("../../workers/evaluation/request")).evaluationRequestSchema;
  parse = schema.parse.bind(schema);
  const { registerModel } = await import("../../cli/commands/register-model");
  await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
}, 600_000);

afterAll(async () => {
  await stopBosses?.();
  await pool?.end();
  await db?.drop();
});

const cases: [FullSizeBenchmark, string][] = [
  ["globalmmlu", "GlobalMMLU"],
  ["mmluprox", "MMLU-ProX"],
];

describe("planning a whole benchmark", () => {
  it.each(cases)("%s at full size: every split, every question stored once, idempotent", { timeout: 900_000 }, async (kind, benchmark) => {
    const { languages, questions, maxOptions } = FULL_SIZE[kind];
    const data = fullSizeDataset(kind);
    const req = parse({ model: "tiny-gpt2", benchmark, data, method: "letter" });
    const plan = await planEvaluation(pool, db.url, req);
    expect(plan.created).toBe(true);
    expect(plan.enqueued).toBe(languages);
    expect(plan.splits.map((s) => s.language)).toEqual(fullSizeLanguages(kind).sort());
    for (const s of plan.splits) expect(s.total).toBe(questions);
    // Streamed: the most questions held at once is one batch (a Parquet file's row group, or a 1 MiB read of JSONL or
    // CSV), so at most one language's split, never the whole benchmark.
    expect(plan.maxQuestionsHeld).toBeGreaterThan(0);
    expect(plan.maxQuestionsHeld).toBeLessThanOrEqual(questions);

    const stored = await pool.query<{ n: number; langs: number; max: number; min: number; gold: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT q."languageCode")::int AS langs, max(q."optionCount")::int AS max,
              min(q."optionCount")::int AS min, count(q."gold")::int AS gold
         FROM "Question" q JOIN "Benchmark" b ON b."id" = q."benchmarkId" WHERE b."name" = $1`,
      [benchmark],
    );
    expect(stored.rows[0]).toEqual({ n: languages * questions, langs: languages, max: maxOptions, min: kind === "globalmmlu" ? 4 : 3, gold: languages * questions });
    const run = await pool.query<{ total: number }>(`SELECT "progressTotal" AS total FROM "Run" WHERE "id" = $1`, [plan.runId]);
    expect(run.rows[0].total).toBe(languages * questions);

    // The same request again finds the run (resume) and stores no question twice.
    const again = await planEvaluation(pool, db.url, req);
    expect(again).toMatchObject({ runId: plan.runId, created: false });
    const after = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Question" q JOIN "Benchmark" b ON b."id" = q."benchmarkId" WHERE b."name" = $1`,
      [benchmark],
    );
    expect(after.rows[0].n).toBe(languages * questions);
  });

  it("a limit keeps the first questions of each language", { timeout: 300_000 }, async () => {
    const req = parse({ model: "tiny-gpt2", benchmark: "GlobalMMLU", data: fullSizeDataset("globalmmlu"), method: "letter", limit: 7, languages: ["am", "ar"] });
    const plan = await planEvaluation(pool, db.url, req);
    expect(plan.splits).toEqual([
      { language: "am", total: 7, status: "queued" },
      { language: "ar", total: 7, status: "queued" },
    ]);
  });
});
