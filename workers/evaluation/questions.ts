/**
 * Writes dataset questions into Question (matched on benchmark + language + external id).
 * A question first seen through an import (scores only) gains its text, options and gold here;
 * stored text, options and gold are never overwritten (and a complete row is not rewritten at all). The slice
 * attributes (subjectCategory, culturalLabel, src) fill in the same way: a stored value is kept.
 */
import type pg from "pg";
import type { DatasetQuestion } from "../../lib/datasets";

export async function upsertQuestions(client: pg.ClientBase, benchmarkId: number, qs: readonly DatasetQuestion[]): Promise<number> {
  let written = 0;
  const CHUNK = 5000;
  for (let i = 0; i < qs.length; i += CHUNK) {
    const part = qs.slice(i, i + CHUNK);
    const r = await client.query(
      `INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", "subject", "text", "options", "optionCount", "gold", "subjectCategory", "culturalLabel", "src")
       SELECT $1, l, e, s, t, o::jsonb, k, g, sc, cl, sr
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::text[], $10::text[], $11::text[])
              AS u(l, e, s, t, o, k, g, sc, cl, sr)
       ON CONFLICT ("benchmarkId", "languageCode", "externalId") DO UPDATE SET
         "subject" = COALESCE("Question"."subject", EXCLUDED."subject"),
         "text" = COALESCE("Question"."text", EXCLUDED."text"),
         "options" = CASE WHEN "Question"."options" = '[]'::jsonb THEN EXCLUDED."options" ELSE "Question"."options" END,
         "gold" = COALESCE("Question"."gold", EXCLUDED."gold"),
         "subjectCategory" = COALESCE("Question"."subjectCategory", EXCLUDED."subjectCategory"),
         "culturalLabel" = COALESCE("Question"."culturalLabel", EXCLUDED."culturalLabel"),
         "src" = COALESCE("Question"."src", EXCLUDED."src")
       -- A complete stored question is left as it is: re-planning a whole benchmark rewrites no row.
       WHERE "Question"."subject" IS NULL OR "Question"."text" IS NULL OR "Question"."options" = '[]'::jsonb OR "Question"."gold" IS NULL
          OR ("Question"."subjectCategory" IS NULL AND EXCLUDED."subjectCategory" IS NOT NULL)
          OR ("Question"."culturalLabel" IS NULL AND EXCLUDED."culturalLabel" IS NOT NULL)
          OR ("Question"."src" IS NULL AND EXCLUDED."src" IS NOT NULL)`,
      [
        benchmarkId,
        part.map((q) => q.language),
        part.map((q) => q.externalId),
        part.map((q) => q.subject),
        part.map((q) => q.question),
        part.map((q) => JSON.stringify(q.options)),
        part.map((q) => q.options.length),
        part.map((q) => q.gold),
        part.map((q) => q.slice?.subjectCategory ?? null),
        part.map((q) => q.slice?.culturalLabel ?? null),
        part.map((q) => q.slice?.src ?? null),
      ],
    );
    written += r.rowCount ?? 0;
  }
  return written;
}

export const questionKey = (language: string, externalId: string) => `${language}\u0000${externalId}`;
