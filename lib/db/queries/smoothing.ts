import "server-only";
/**
 * Label smoothing (β) comparison, the query: loads the per-language cells of the paper's metrics from
 * PublishedResult and RunLanguageStats (never predictions); smoothing-aggregate.ts builds the panels and the
 * headline table with their tests, smoothing-significance.ts the on-request per-language bootstrap.
 */
import type pg from "pg";
import type { ViewState } from "../../view-state/filters";
import { byMetric } from "../../calibration/registry";
import { publishedTextSql, valueSql } from "./metric-columns";
import { versionedCache } from "../../cache/versioned";
import { publishedInSlice, statsFrom } from "./slices";
import {
  aggregateSmoothing,
  type Cell,
  SMOOTHING_METRICS,
  type SmoothingData,
  type SmoothingMetric,
  type SmoothingQuery,
} from "./smoothing-aggregate";


/** The query behind `/smoothing` and its data twin, from the view state (`source=both` reads both). */
export function smoothingQueryForState(state: ViewState): SmoothingQuery {
  return {
    benchmark: state.benchmark,
    sources: state.source === "both" ? ["published", "measured"] : [state.source],
    families: state.family,
    sft: state.sft,
    languages: state.languages,
    betaA: state.betaA,
    betaB: state.betaB,
    slice: state.slice,
  };
}

async function loadCells(pool: pg.Pool, benchmark: string, sources: SmoothingQuery["sources"], slice?: string) {
  const cells: Cell[] = [];
  const paper: Cell[] = [];
  const tasks: Promise<void>[] = [];
  if (sources.includes("published") && publishedInSlice(slice))
    tasks.push(
      pool
        .query<{
          language: string | null;
          family: string;
          sft: string | null;
          smoothing: number | null;
        } & Record<SmoothingMetric, string | null>>(
          `SELECT p."languageCode" AS language, p."family", p."sftDataset" AS sft, p."smoothing",
                  ${publishedTextSql(SMOOTHING_METRICS)}
           FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId" WHERE b."name" = $1`,
          [benchmark],
        )
        .then((r) => {
          for (const x of r.rows) {
            const text = byMetric(SMOOTHING_METRICS, (m) => x[m]);
            const c: Cell = {
              source: "published",
              family: x.family,
              model: x.family,
              sft: x.sft,
              beta: x.smoothing,
              language: x.language ?? "avg",
              runId: null,
              values: byMetric(SMOOTHING_METRICS, (m) => (x[m] === null ? null : Number(x[m]))),
              text,
            };
            (x.language === null ? paper : cells).push(c);
          }
        }),
    );
  if (sources.includes("measured"))
    tasks.push(
      pool
        .query<{
          language: string;
          family: string;
          model: string;
          sft: string | null;
          smoothing: number | null;
          runId: number;
        } & Record<SmoothingMetric, number | null>>(
          `SELECT DISTINCT ON (r."modelId", w."languageCode")
                  w."languageCode" AS language, m."family", m."name" AS model, m."sftDataset" AS sft, m."smoothing", r."id" AS "runId",
                  ${SMOOTHING_METRICS.map((m) => `${valueSql(m)} AS "${m}"`).join(", ")}
           FROM "Run" r JOIN "Benchmark" b ON b."id" = r."benchmarkId" JOIN "Model" m ON m."id" = r."modelId"
           JOIN ${statsFrom(slice)} w ON w."runId" = r."id" AND w."binning" = 'equal-width'
           LEFT JOIN ${statsFrom(slice)} e ON e."runId" = r."id" AND e."languageCode" = w."languageCode" AND e."binning" = 'equal-mass'
           WHERE b."name" = $1 AND r."status" IN ('completed', 'running')
           ORDER BY r."modelId", w."languageCode", r."createdAt" DESC, r."id" DESC`,
          [benchmark],
        )
        .then((r) => {
          for (const x of r.rows)
            cells.push({
              source: "measured",
              family: x.family,
              model: x.model,
              sft: x.sft,
              beta: x.smoothing,
              language: x.language,
              runId: x.runId,
              values: byMetric(SMOOTHING_METRICS, (m) => x[m]),
              text: {},
            });
        }),
    );
  await Promise.all(tasks);
  return { cells, paper };
}

const smoothingCache = versionedCache<SmoothingData | null>();

/** getSmoothingData through the versioned cache (lib/db/queries/results.ts). */
export function getSmoothingDataCached(pool: pg.Pool, q: SmoothingQuery): Promise<SmoothingData | null> {
  return smoothingCache(pool, JSON.stringify(q), () => getSmoothingData(pool, q));
}

export async function getSmoothingData(pool: pg.Pool, q: SmoothingQuery): Promise<SmoothingData | null> {
  const bench = await pool.query(`SELECT 1 FROM "Benchmark" WHERE "name" = $1`, [q.benchmark]);
  if (!bench.rowCount) return null;
  const { cells: all, paper } = await loadCells(pool, q.benchmark, q.sources, q.slice);
  const languageNames = new Map<string, string>();
  const langRows = await pool.query<{ code: string; name: string }>(
    `SELECT "code", "name" FROM "Language" WHERE "code" = ANY($1)`,
    [[...new Set(all.map((c) => c.language))]],
  );
  for (const l of langRows.rows) languageNames.set(l.code, l.name);

  return aggregateSmoothing(q, all, paper, languageNames);
}
