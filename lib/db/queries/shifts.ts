import "server-only";
/**
 * Base → tuned question by question (issue 14 §3): the latest completed/running run of a tuned model and of
 * its base model on one benchmark, matched by question, for one language. Reads Prediction rows of two runs
 * restricted to one language (bounded by that language's question count), like /questions.
 */
import type pg from "pg";
import type { ShiftRow } from "../../calibration/shifts";

export interface ShiftQuestion extends ShiftRow {
  questionId: number;
  externalId: string;
}

export interface ShiftsData {
  tuned: { model: string; runId: number };
  base: { model: string; runId: number };
  language: string;
  rows: ShiftQuestion[];
}

export interface ShiftOptions {
  /** Tuned models (with a base model) that have runs on the benchmark. */
  tunedModels: string[];
  /** Languages measured by the chosen tuned model. */
  languages: { code: string; name: string; resourceClass: number }[];
}

const LATEST_RUN = `SELECT r."id" FROM "Run" r JOIN "Benchmark" b ON b."id" = r."benchmarkId"
   WHERE r."modelId" = $1 AND b."name" = $2 AND r."status" IN ('completed', 'running')
     AND EXISTS (SELECT 1 FROM "RunLanguageStats" s WHERE s."runId" = r."id" AND s."languageCode" = $3)
   ORDER BY r."createdAt" DESC, r."id" DESC LIMIT 1`;

export async function shiftOptions(pool: pg.Pool, benchmark: string, tunedModel: string | null): Promise<ShiftOptions> {
  const models = await pool.query<{ name: string }>(
    `SELECT DISTINCT m."name" FROM "Model" m JOIN "Run" r ON r."modelId" = m."id" JOIN "Benchmark" b ON b."id" = r."benchmarkId"
     WHERE b."name" = $1 AND m."baseModelId" IS NOT NULL AND r."status" IN ('completed', 'running') ORDER BY m."name"`,
    [benchmark],
  );
  const languages = tunedModel
    ? await pool.query<{ code: string; name: string; resourceClass: number }>(
        `SELECT DISTINCT l."code", l."name", l."resourceClass" FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId"
         JOIN "Model" m ON m."id" = r."modelId" JOIN "Benchmark" b ON b."id" = r."benchmarkId" JOIN "Language" l ON l."code" = s."languageCode"
         WHERE m."name" = $1 AND b."name" = $2 ORDER BY l."code"`,
        [tunedModel, benchmark],
      )
    : { rows: [] };
  return { tunedModels: models.rows.map((r) => r.name), languages: languages.rows };
}

export async function getShifts(pool: pg.Pool, benchmark: string, tunedModel: string, language: string): Promise<ShiftsData | null> {
  const m = await pool.query<{ id: number; baseId: number | null; baseName: string | null }>(
    `SELECT t."id", t."baseModelId" AS "baseId", b."name" AS "baseName" FROM "Model" t LEFT JOIN "Model" b ON b."id" = t."baseModelId" WHERE t."name" = $1`,
    [tunedModel],
  );
  const model = m.rows[0];
  if (!model || model.baseId === null) return null;
  const [tunedRun, baseRun] = await Promise.all([
    pool.query<{ id: number }>(LATEST_RUN, [model.id, benchmark, language]),
    pool.query<{ id: number }>(LATEST_RUN, [model.baseId, benchmark, language]),
  ]);
  if (!tunedRun.rows[0] || !baseRun.rows[0]) return null;
  const rows = await pool.query<ShiftQuestion>(
    `SELECT q."id" AS "questionId", q."externalId", b."confidence" AS "baseConfidence", b."correct" AS "baseCorrect",
            t."confidence" AS "tunedConfidence", t."correct" AS "tunedCorrect"
     FROM "Question" q
     JOIN "Prediction" t ON t."questionId" = q."id" AND t."runId" = $1
     JOIN "Prediction" b ON b."questionId" = q."id" AND b."runId" = $2
     WHERE q."languageCode" = $3 AND q."benchmarkId" = (SELECT "benchmarkId" FROM "Run" WHERE "id" = $1)
     ORDER BY q."id"`,
    [tunedRun.rows[0].id, baseRun.rows[0].id, language],
  );
  return {
    tuned: { model: tunedModel, runId: tunedRun.rows[0].id },
    base: { model: model.baseName as string, runId: baseRun.rows[0].id },
    language,
    rows: rows.rows,
  };
}
