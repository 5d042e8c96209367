import "server-only";
/**
 * The runs page: every run with its provenance, and the live progress of queued/running runs
 * (RunSplit rows). Counts come from Run/RunSplit/RunLanguageStats — never from Prediction.
 */
import type pg from "pg";
import { baseName, errorSummary, redactPaths } from "../../redact";
import { betaCell } from "../../view-state/config";

/** A run's source file as views see it: base names only (lib/redact.ts), never the stored absolute path. */
export interface RunFile {
  path?: string;
  name?: string;
  sha256?: string;
  bytes?: number;
  [k: string]: unknown;
}

export interface RunListItem {
  id: number;
  model: string;
  family: string;
  sft: string | null;
  beta: string;
  benchmark: string;
  scoringMethod: string;
  prompt: string;
  shots: number;
  status: string;
  provenance: string;
  importKey: string | null;
  importerVersion: string | null;
  sourceFiles: RunFile[];
  config: Record<string, unknown>;
  topLabelOnly: boolean;
  progressDone: number;
  progressTotal: number;
  error: string | null;
  /** ISO strings (plain props for the client). */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Languages with stored stats, and their questions (Σ n). */
  statsLanguages: number;
  statsQuestions: number;
  splits: SplitItem[];
}

export interface SplitItem {
  language: string;
  status: string;
  done: number;
  total: number;
  questionsPerS: number | null;
  etaSeconds: number | null;
  error: string | null;
  updatedAt: string;
}

export interface RunsQuery {
  families: string[];
  /** Only queued/running runs (the progress poll). */
  active?: boolean;
  ids?: number[];
  /** Page of runs (newest first); all runs when limit is absent. */
  limit?: number;
  offset?: number;
  /** Raw worker errors instead of one-line summaries: only for callers holding the API token. */
  fullErrors?: boolean;
}

export async function listRuns(pool: pg.Pool, q: RunsQuery): Promise<RunListItem[]> {
  const r = await pool.query<
    Omit<RunListItem, "beta" | "splits" | "createdAt" | "startedAt" | "finishedAt"> & {
      smoothing: number | null;
      createdAt: Date;
      startedAt: Date | null;
      finishedAt: Date | null;
    }
  >(
    `SELECT r."id", m."name" AS model, m."family", m."sftDataset" AS sft, m."smoothing", b."name" AS benchmark,
            r."scoringMethod", r."prompt", r."shots", r."status"::text AS status, r."provenance"::text AS provenance, r."importKey",
            r."importerVersion", r."sourceFiles", r."config", r."topLabelOnly", r."progressDone", r."progressTotal", r."error",
            r."createdAt", r."startedAt", r."finishedAt",
            coalesce(st.langs, 0)::int AS "statsLanguages", coalesce(st.questions, 0)::int AS "statsQuestions"
     FROM "Run" r JOIN "Model" m ON m."id" = r."modelId" JOIN "Benchmark" b ON b."id" = r."benchmarkId"
     LEFT JOIN LATERAL (SELECT count(*) AS langs, sum(s."n") AS questions FROM "RunLanguageStats" s
                        WHERE s."runId" = r."id" AND s."binning" = 'equal-width') st ON true
     WHERE (cardinality($1::text[]) = 0 OR m."family" = ANY($1::text[]))
       AND (NOT $2 OR r."status" IN ('queued', 'running'))
       AND ($3::int[] IS NULL OR r."id" = ANY($3::int[]))
     ORDER BY r."createdAt" DESC, r."id" DESC
     LIMIT $4 OFFSET $5`,
    [q.families, !!q.active, q.ids ?? null, q.limit ?? null, q.offset ?? 0],
  );
  // Splits of queued/running runs only: the page shows progress, finished runs need none.
  const ids = r.rows.filter((x) => x.status === "queued" || x.status === "running").map((x) => x.id);
  const splits = ids.length
    ? await pool.query<SplitItem & { runId: number; updatedAt: Date }>(
        `SELECT "runId", "languageCode" AS language, "status"::text AS status, "done", "total", "questionsPerS", "etaSeconds", "error", "updatedAt"
         FROM "RunSplit" WHERE "runId" = ANY($1::int[]) ORDER BY "runId", "languageCode"`,
        [ids],
      )
    : { rows: [] };
  const byRun = new Map<number, SplitItem[]>();
  for (const s of splits.rows) {
    const list = byRun.get(s.runId) ?? [];
    list.push({ ...s, runId: undefined, updatedAt: s.updatedAt.toISOString() } as unknown as SplitItem);
    byRun.set(s.runId, list);
  }
  const err = (e: string | null) => (q.fullErrors ? e : errorSummary(e));
  return r.rows.map(({ smoothing, createdAt, startedAt, finishedAt, ...x }) => ({
    ...x,
    beta: betaCell(x.sft, smoothing),
    sourceFiles: Array.isArray(x.sourceFiles) ? x.sourceFiles.map(viewFile) : [],
    config: redactPaths(x.config ?? {}) as Record<string, unknown>,
    error: err(x.error),
    createdAt: createdAt.toISOString(),
    startedAt: startedAt?.toISOString() ?? null,
    finishedAt: finishedAt?.toISOString() ?? null,
    splits: (byRun.get(x.id) ?? []).map(({ ...s }) => {
      delete (s as { runId?: number }).runId;
      return { ...s, error: err(s.error) };
    }),
  }));
}

/** A stored source-file entry without its absolute path: `name` is the base name (kept when stored). */
function viewFile(f: RunFile): RunFile {
  const { path: stored, ...rest } = f;
  const named = typeof rest.name === "string" ? rest.name : typeof stored === "string" ? stored : undefined;
  return redactPaths({ ...rest, ...(named !== undefined ? { name: baseName(named) } : {}) }) as RunFile;
}
