import "server-only";
/**
 * The comparisons a researcher with measured runs actually has: each measured tuned model against its base model,
 * per language, where both have stats on the benchmark (latest completed or running run of each, as in every
 * view). The test itself is the paired bootstrap behind GET /smoothing/significance (runA = base, runB = tuned).
 */
import type pg from "pg";
import { configLabel } from "../../view-state/config";

export interface BaseTunedPair {
  language: string;
  languageName: string;
  family: string;
  base: string;
  tuned: string;
  /** "Yi-6B-Chat · chat", "M · OpenHermes β=0.1". */
  tunedLabel: string;
  runA: number;
  runB: number;
  nA: number;
  nB: number;
}

export async function baseTunedPairs(
  pool: pg.Pool,
  q: { benchmark: string; families?: string[]; sft?: string[]; languages?: string[]; models?: string[] },
): Promise<BaseTunedPair[]> {
  const r = await pool.query<{
    language: string;
    languageName: string;
    family: string;
    base: string;
    tuned: string;
    sft: string;
    smoothing: number | null;
    runA: number;
    runB: number;
    nA: number;
    nB: number;
  }>(
    `WITH latest AS (
       SELECT DISTINCT ON (r."modelId", s."languageCode") r."modelId", s."languageCode", r."id" AS run, s."n"
       FROM "Run" r JOIN "Benchmark" b ON b."id" = r."benchmarkId"
       JOIN "RunLanguageStats" s ON s."runId" = r."id" AND s."binning" = 'equal-width'
       WHERE b."name" = $1 AND r."status" IN ('completed', 'running')
       ORDER BY r."modelId", s."languageCode", r."createdAt" DESC, r."id" DESC)
     SELECT t."languageCode" AS language, l."name" AS "languageName", m."family", bm."name" AS base, m."name" AS tuned,
            m."sftDataset" AS sft, m."smoothing", lb."run" AS "runA", t."run" AS "runB", lb."n" AS "nA", t."n" AS "nB"
     FROM latest t
     JOIN "Model" m ON m."id" = t."modelId" AND m."baseModelId" IS NOT NULL
     JOIN "Model" bm ON bm."id" = m."baseModelId"
     JOIN latest lb ON lb."modelId" = bm."id" AND lb."languageCode" = t."languageCode"
     JOIN "Language" l ON l."code" = t."languageCode"
     WHERE (cardinality($2::text[]) = 0 OR m."family" = ANY($2))
       AND (cardinality($3::text[]) = 0 OR m."sftDataset" = ANY($3))
       AND (cardinality($4::text[]) = 0 OR t."languageCode" = ANY($4))
       AND (cardinality($5::text[]) = 0 OR m."name" = ANY($5))
     ORDER BY l."name", m."family", m."sftDataset", m."smoothing" NULLS FIRST, m."name"`,
    [q.benchmark, q.families ?? [], q.sft ?? [], q.languages ?? [], q.models ?? []],
  );
  return r.rows.map(({ sft, smoothing, ...x }) => ({
    ...x,
    tunedLabel: configLabel({ model: x.tuned, sftDataset: sft, smoothing }),
  }));
}
