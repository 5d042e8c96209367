import "server-only";
/** The results view's filter options (families, SFT datasets, β values, languages), cached per data version. */
import type pg from "pg";
import { formatBeta } from "../../format";
import { versionedCache } from "../../cache/versioned";

type Facets = {
  families: string[];
  sftDatasets: string[];
  betas: string[];
  languages: { code: string; name: string }[];
};
const facetsCache = versionedCache<Facets>();

/** resultFacets through the versioned cache. */
export function resultFacetsCached(pool: pg.Pool, benchmark: string): Promise<Facets> {
  return facetsCache(pool, benchmark, () => resultFacets(pool, benchmark));
}

/** Filter options: families, SFT datasets, β values and languages present for a benchmark ("all": every benchmark). */
export async function resultFacets(
  pool: pg.Pool,
  benchmark: string,
): Promise<{
  families: string[];
  sftDatasets: string[];
  betas: string[];
  languages: { code: string; name: string }[];
}> {
  const all = benchmark === "all";
  const r = await pool.query<{ family: string; sft: string | null; smoothing: number | null }>(
    `SELECT DISTINCT p."family", p."sftDataset" AS sft, p."smoothing" FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
     WHERE ($1 OR b."name" = $2)
     UNION
     SELECT DISTINCT m."family", m."sftDataset", m."smoothing" FROM "Model" m
     WHERE EXISTS (SELECT 1 FROM "Run" r JOIN "Benchmark" b ON b."id" = r."benchmarkId" WHERE r."modelId" = m."id" AND ($1 OR b."name" = $2))`,
    [all, benchmark],
  );
  const l = await pool.query<{ code: string; name: string }>(
    `SELECT l."code", l."name" FROM "Language" l
     WHERE EXISTS (SELECT 1 FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId" WHERE p."languageCode" = l."code" AND ($1 OR b."name" = $2))
        OR EXISTS (SELECT 1 FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId" JOIN "Benchmark" b ON b."id" = r."benchmarkId"
                   WHERE s."languageCode" = l."code" AND ($1 OR b."name" = $2))
     ORDER BY l."name"`,
    [all, benchmark],
  );
  return {
    families: [...new Set(r.rows.map((x) => x.family))].sort(),
    sftDatasets: [...new Set(r.rows.flatMap((x) => (x.sft ? [x.sft] : [])))].sort(),
    betas: [
      ...new Set(
        r.rows.flatMap((x) => (x.sft !== null && x.smoothing !== null ? [formatBeta(x.smoothing)] : [])),
      ),
    ].sort(),
    languages: l.rows,
  };
}

