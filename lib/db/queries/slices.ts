/**
 * Reading sliced statistics (issue 14 part 1; docs/analysis.md "Slices"). A sliced view reads RunSliceStats
 * where the unsliced one reads RunLanguageStats: `statsFrom(slice)` is the table expression each view query puts
 * in place of "RunLanguageStats" (same columns), holding only the slice's rows a view may draw (n ≥ MIN_SLICE_N).
 * Published figures have no slices: sliced views show measured runs only. The slices on offer and the refused
 * (too small) slices are listed for the filter control and the refusal notice.
 */
import pg from "pg";
import { MIN_SLICE_N, parseSlice, SLICE_ALL } from "../../slices/slice";
import { badInput } from "../../errors";

/** The stats table expression of a slice (the slice is parsed again here: it is written into SQL as a literal). */
export function statsFrom(slice: string | undefined): string {
  if (!slice || slice === SLICE_ALL) return `"RunLanguageStats"`;
  if (!parseSlice(slice)) throw badInput(`invalid slice ${JSON.stringify(slice)}`, { field: "slice" });
  return `(SELECT * FROM "RunSliceStats" WHERE "slice" = ${pg.escapeLiteral(slice)} AND "n" >= ${MIN_SLICE_N})`;
}

/** Whether published figures take part: only in the unsliced view. */
export const publishedInSlice = (slice: string | undefined): boolean => !slice || slice === SLICE_ALL;

export interface SliceOption {
  slice: string;
  /** Runs × languages with this slice, and the smallest and largest n among them. */
  cells: number;
  minN: number;
  maxN: number;
}

/** The slices stored for the benchmark's runs (latest run per model × language), largest first. */
export async function sliceOptions(pool: pg.Pool, benchmark: string): Promise<SliceOption[]> {
  const r = await pool.query<{ slice: string; cells: number; minN: number; maxN: number }>(
    `SELECT s."slice", count(*)::int AS cells, min(s."n")::int AS "minN", max(s."n")::int AS "maxN"
       FROM "RunSliceStats" s JOIN "Run" r ON r."id" = s."runId" JOIN "Benchmark" b ON b."id" = r."benchmarkId"
      WHERE b."name" = $1 AND s."binning" = 'equal-width' AND r."status" IN ('completed', 'running')
      GROUP BY s."slice" ORDER BY max(s."n") DESC, s."slice"`,
    [benchmark],
  );
  return r.rows;
}

export interface RefusedSlice {
  model: string;
  language: string;
  n: number;
}

/** Latest run per model × language whose slice is below MIN_SLICE_N: what the sliced view does not draw, and why. */
export async function refusedSlices(pool: pg.Pool, benchmark: string, slice: string): Promise<RefusedSlice[]> {
  if (slice === SLICE_ALL) return [];
  const r = await pool.query<RefusedSlice>(
    `SELECT model, language, n FROM (
       SELECT DISTINCT ON (m."id", s."languageCode") m."name" AS model, s."languageCode" AS language, s."n" AS n
         FROM "RunSliceStats" s JOIN "Run" r ON r."id" = s."runId" JOIN "Model" m ON m."id" = r."modelId"
         JOIN "Benchmark" b ON b."id" = r."benchmarkId"
        WHERE b."name" = $1 AND s."slice" = $2 AND s."binning" = 'equal-width' AND r."status" IN ('completed', 'running')
        ORDER BY m."id", s."languageCode", r."createdAt" DESC, r."id" DESC) x
      WHERE n < $3 ORDER BY model, language`,
    [benchmark, slice, MIN_SLICE_N],
  );
  return r.rows;
}

export interface SliceBarData {
  options: SliceOption[];
  refused: RefusedSlice[];
}

/** What a view's slice control and notice show (components/slices/SliceBar.tsx). */
export async function sliceBarData(pool: pg.Pool, state: { benchmark: string; slice: string }): Promise<SliceBarData> {
  const [options, refused] = await Promise.all([sliceOptions(pool, state.benchmark), refusedSlices(pool, state.benchmark, state.slice)]);
  return { options, refused };
}
