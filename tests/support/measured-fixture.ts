/**
 * Synthetic measured runs for tests and benches, written directly with SQL: a base model and its tuned
 * variants (SFT dataset × label-smoothing β), questions in several languages (scripts of every
 * direction, right-to-left included), per-question probabilities, and the precomputed RunLanguageStats
 * rows that every view reads.
 *
 * Stats are written by lib/db/stats.ts (recomputeRunStats) from the written predictions, exactly as an import
 * writes them: one source of truth for every stored number the views show.
 *
 * The generator is realistic enough for calibration plots: each question has a difficulty, each
 * (model, language) a skill, and a model's sharpness sets how confident it is — tuned models are
 * sharper (over-confident), label smoothing (β > 0) softens them again.
 */
import pg from "pg";
import { Rng } from "../../lib/calibration";
import { recomputeRunStats } from "../../lib/db/stats";
import { generateSplit, modelName, normal, sharpnessOf, skillOf, type GeneratedSplit } from "../../testkit/generated-predictions";

export { generateSplit, modelName, sharpnessOf, skillOf, type GeneratedSplit };

export interface TunedSpec {
  sftDataset: string;
  betas: number[];
}

export interface MeasuredFixtureOptions {
  benchmark?: string;
  /** Option count of the benchmark if it must be created (default 4). */
  optionCount?: number;
  family?: string;
  languages?: string[];
  questionsPerLanguage?: number;
  tuned?: TunedSpec[];
  seed?: string;
  /** Bootstrap resamples for the stats intervals (default 40: fast, tests only). */
  resamples?: number;
  /** Also write a running run with RunSplit progress (for the runs page). */
  runningRun?: boolean;
  /** Return the existing fixture when one with the same options is already in the database (default true). */
  reuse?: boolean;
}

export interface FixtureModel {
  id: number;
  name: string;
  family: string;
  sftDataset: string | null;
  smoothing: number | null;
  runId: number;
}

export interface MeasuredFixture {
  benchmark: string;
  benchmarkId: number;
  family: string;
  languages: string[];
  models: FixtureModel[];
  /** questionIds[language] in externalId order. */
  questionIds: Record<string, number[]>;
  runningRunId: number | null;
}

/** Question texts per language (any script; Arabic and Hebrew are right-to-left). */
const TEXTS: Record<string, { q: string; opts: string[] }> = {
  ar: { q: "ما هي عاصمة فرنسا؟", opts: ["باريس", "لندن", "برلين", "مدريد"] },
  he: { q: "מהי בירת צרפת?", opts: ["פריז", "לונדון", "ברלין", "מדריד"] },
  am: { q: "የፈረንሳይ ዋና ከተማ ማን ናት?", opts: ["ፓሪስ", "ለንደን", "በርሊን", "ማድሪድ"] },
  hi: { q: "फ़्रांस की राजधानी क्या है?", opts: ["पेरिस", "लंदन", "बर्लिन", "मैड्रिड"] },
  zh: { q: "法国的首都是哪里？", opts: ["巴黎", "伦敦", "柏林", "马德里"] },
  sw: { q: "Mji mkuu wa Ufaransa ni upi?", opts: ["Paris", "London", "Berlin", "Madrid"] },
  de: { q: "Was ist die Hauptstadt von Frankreich?", opts: ["Paris", "London", "Berlin", "Madrid"] },
  en: { q: "What is the capital of France?", opts: ["Paris", "London", "Berlin", "Madrid"] },
};


export const DEFAULT_TUNED: TunedSpec[] = [
  { sftDataset: "Alpaca", betas: [0, 0.1] },
  { sftDataset: "OpenHermes", betas: [0, 0.1] },
];

async function readFixture(
  client: pg.Client,
  benchmark: string,
  benchmarkId: number,
  family: string,
  languages: string[],
  fingerprint: string,
): Promise<MeasuredFixture | null> {
  const runs = await client.query<{
    id: number;
    name: string;
    sftDataset: string | null;
    smoothing: number | null;
    runId: number;
    status: string;
    fp: string | null;
  }>(
    `SELECT m."id", m."name", m."sftDataset", m."smoothing", r."id" AS "runId", r."status"::text AS status, r."config"->>'fixture' AS fp
     FROM "Model" m JOIN "Run" r ON r."modelId" = m."id" WHERE m."family" = $1 AND r."benchmarkId" = $2 ORDER BY r."id"`,
    [family, benchmarkId],
  );
  const done = runs.rows.filter((r) => r.status === "completed");
  if (!done.length || done.some((r) => r.fp !== fingerprint)) return null;
  const q = await client.query<{ id: number; lang: string }>(
    `SELECT "id", "languageCode" AS lang FROM "Question" WHERE "benchmarkId" = $1 AND "languageCode" = ANY($2) AND "externalId" LIKE 'synth-%'
     ORDER BY "externalId"`,
    [benchmarkId, languages],
  );
  const questionIds: Record<string, number[]> = {};
  for (const r of q.rows) (questionIds[r.lang] ??= []).push(r.id);
  const running = runs.rows.find((r) => r.status !== "completed");
  return {
    benchmark,
    benchmarkId,
    family,
    languages,
    models: done.map((r) => ({
      id: r.id,
      name: r.name,
      family,
      sftDataset: r.sftDataset,
      smoothing: r.smoothing,
      runId: r.runId,
    })),
    questionIds,
    runningRunId: running?.runId ?? null,
  };
}

/** Writes the fixture (idempotent per family name: an existing family is deleted first). */
export async function writeMeasuredFixture(
  url: string,
  opts: MeasuredFixtureOptions = {},
): Promise<MeasuredFixture> {
  const benchmark = opts.benchmark ?? "GlobalMMLU";
  const family = opts.family ?? "Synth-1B";
  const languages = opts.languages ?? ["ar", "de", "sw", "am"];
  const nq = opts.questionsPerLanguage ?? 300;
  const tuned = opts.tuned ?? DEFAULT_TUNED;
  const seed = opts.seed ?? "measured-fixture";
  const resamples = opts.resamples ?? 40;
  const rng = new Rng(seed);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const bench = await client.query<{ id: number; optionCount: number }>(
      `INSERT INTO "Benchmark" ("name", "optionCount") VALUES ($1, $2)
       ON CONFLICT ("name") DO UPDATE SET "name" = EXCLUDED."name" RETURNING "id", "optionCount"`,
      [benchmark, opts.optionCount ?? 4],
    );
    const benchmarkId = bench.rows[0].id;
    const k = Math.min(bench.rows[0].optionCount, 4);

    const fingerprint = JSON.stringify({
      v: 2,
      benchmark,
      family,
      languages,
      nq,
      tuned,
      seed,
      resamples,
      r: !!opts.runningRun,
    });
    if (opts.reuse !== false) {
      const existing = await readFixture(client, benchmark, benchmarkId, family, languages, fingerprint);
      if (existing) return existing;
    }
    // Start clean for this family (runs cascade to predictions, stats and splits).
    await client.query(`DELETE FROM "Model" WHERE "family" = $1 AND "baseModelId" IS NOT NULL`, [family]);
    await client.query(`DELETE FROM "Model" WHERE "family" = $1`, [family]);

    // Questions (shared by every model): externalId synth-<i>, gold and difficulty seeded.
    const questionIds: Record<string, number[]> = {};
    const gold: Record<string, number[]> = {};
    const difficulty: Record<string, number[]> = {};
    for (const lang of languages) {
      const t = TEXTS[lang] ?? TEXTS.en;
      const g: number[] = [];
      const d: number[] = [];
      const ext: string[] = [];
      const texts: string[] = [];
      const options: string[] = [];
      for (let i = 0; i < nq; i++) {
        g.push(rng.nextInt(k));
        d.push(normal(rng) * 0.8);
        ext.push(`synth-${String(i).padStart(5, "0")}`);
        texts.push(`${t.q} (#${i + 1})`);
        options.push(JSON.stringify(t.opts.slice(0, k).map((o, j) => `${o} ${j + 1}`)));
      }
      const r = await client.query<{ id: number }>(
        `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "subject", "text", "options", "optionCount", "gold")
         SELECT $1, $2, e, 'synthetic', t, o::jsonb, $3, g FROM unnest($4::text[], $5::text[], $6::text[], $7::int[]) AS u(e, t, o, g)
         ON CONFLICT ("benchmarkId", "languageCode", "externalId") DO UPDATE
           SET "text" = EXCLUDED."text", "options" = EXCLUDED."options", "gold" = EXCLUDED."gold"
         RETURNING "id", "externalId"`,
        [benchmarkId, lang, k, ext, texts, options, g],
      );
      const byExt = new Map(r.rows.map((x) => [(x as unknown as { externalId: string }).externalId, x.id]));
      questionIds[lang] = ext.map((e) => byExt.get(e) as number);
      gold[lang] = g;
      difficulty[lang] = d;
    }

    const specs: { sft: string | null; beta: number | null }[] = [
      { sft: null, beta: null },
      ...tuned.flatMap((t) => t.betas.map((b) => ({ sft: t.sftDataset, beta: b }))),
    ];
    const models: FixtureModel[] = [];
    let baseId: number | null = null;
    const langSkill = Object.fromEntries(languages.map((l, i) => [l, skillOf(i)]));
    for (const [si, spec] of specs.entries()) {
      const name = modelName(family, spec.sft, spec.beta);
      const m: pg.QueryResult<{ id: number }> = await client.query<{ id: number }>(
        `INSERT INTO "Model" ("name", "family", "baseModelId", "sftDataset", "smoothing") VALUES ($1, $2, $3, $4, $5) RETURNING "id"`,
        [name, family, spec.sft === null ? null : baseId, spec.sft, spec.beta],
      );
      const modelId: number = m.rows[0].id;
      if (spec.sft === null) baseId = modelId;
      const run = await client.query<{ id: number }>(
        `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "status", "provenance", "sourceFiles", "importerVersion",
                            "progressDone", "progressTotal", "startedAt", "finishedAt", "createdAt", "config")
         VALUES ($1, $2, 'letter', 'completed', 'imported', $3::jsonb, 'measured-fixture/1', $4, $4, now(), now(), now() - interval '1 hour',
                 jsonb_build_object('fixture', $5::text))
         RETURNING "id"`,
        [
          modelId,
          benchmarkId,
          JSON.stringify([
            {
              path: `synthetic/${name}.jsonl`,
              sha256: `fixture-${seed}-${si}`,
              bytes: nq * languages.length * 64,
            },
          ]),
          nq * languages.length,
          fingerprint,
        ],
      );
      const runId = run.rows[0].id;
      models.push({ id: modelId, name, family, sftDataset: spec.sft, smoothing: spec.beta, runId });

      const skillBoost = spec.sft === null ? 0 : 0.15;
      for (const lang of languages) {
        const split = generateSplit(
          rng,
          gold[lang],
          difficulty[lang],
          k,
          langSkill[lang] + skillBoost,
          sharpnessOf(langSkill[lang], spec.sft, spec.beta),
        );
        await client.query(
          `INSERT INTO "RunSplit" ("runId", "languageCode", "status", "done", "total") VALUES ($1, $2, 'completed', $3, $3)`,
          [runId, lang, nq],
        );
        await client.query(
          `INSERT INTO "Prediction" ("runId", "questionId", "probs", "logLikelihoods", "predicted", "confidence", "correct")
           SELECT $1, q, p::float8[], '{}', pr, c, ok
           FROM unnest($2::int[], $3::text[], $4::int[], $5::float8[], $6::bool[]) AS u(q, p, pr, c, ok)`,
          [
            runId,
            questionIds[lang],
            split.probs.map((p) => `{${p.map((x) => x.toPrecision(17)).join(",")}}`),
            split.predicted,
            split.confidence,
            split.correct,
          ],
        );
      }
      await recomputeRunStats(client, runId, { bootstrap: resamples, languages });
    }

    let runningRunId: number | null = null;
    if (opts.runningRun) {
      const r = await client.query<{ id: number }>(
        `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "status", "provenance", "config", "progressDone", "progressTotal", "startedAt")
         VALUES ($1, $2, 'letter', 'running', 'worker', '{"device":"cpu"}', $3, $4, now()) RETURNING "id"`,
        [models[models.length - 1].id, benchmarkId, Math.floor(nq / 2), nq * languages.length],
      );
      runningRunId = r.rows[0].id;
      for (const [i, lang] of languages.entries()) {
        await client.query(
          `INSERT INTO "RunSplit" ("runId", "languageCode", "status", "done", "total", "questionsPerS", "etaSeconds", "jobId")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            runningRunId,
            lang,
            i === 0 ? "running" : "queued",
            i === 0 ? Math.floor(nq / 2) : 0,
            nq,
            i === 0 ? 12.5 : null,
            i === 0 ? nq / 2 / 12.5 : null,
            `job-${i}`,
          ],
        );
      }
    }
    return {
      benchmark,
      benchmarkId,
      family,
      languages,
      models,
      questionIds,
      runningRunId,
    };
  } finally {
    await client.end();
  }
}

/** Languages of a benchmark as the published results list them (GlobalMMLU: 42). */
export async function benchmarkLanguages(url: string, benchmark: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ code: string }>(
      `SELECT DISTINCT p."languageCode" AS code FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
       WHERE b."name" = $1 AND p."languageCode" IS NOT NULL ORDER BY 1`,
      [benchmark],
    );
    return r.rows.map((x) => x.code);
  } finally {
    await c.end();
  }
}

/**
 * The measured data of the browser tests: family Synth-1B on all GlobalMMLU languages (small question
 * sets), base + Alpaca/OpenHermes × β ∈ {0, 0.1}, plus one running run. Every e2e file writes the same
 * fixture (idempotent), so files can run alone or together.
 */
export async function writeE2eFixture(url: string): Promise<MeasuredFixture> {
  const languages = await benchmarkLanguages(url, "GlobalMMLU");
  return writeMeasuredFixture(url, {
    languages: languages.length ? languages : ["ar", "de", "sw", "am"],
    questionsPerLanguage: 120,
    resamples: 20,
    runningRun: true,
  });
}

/** Minimal CSV parser for the exports (RFC 4180 quoting). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else if (ch !== "\r") cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
