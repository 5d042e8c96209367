import "server-only";
/**
 * The runs page: every run with its provenance, and the live progress of queued/running runs
 * (RunSplit rows). Counts come from Run/RunSplit/RunLanguageStats — never from Prediction.
 */
import type pg from "pg";
import { baseName, errorSummary, redactPaths } from "../../redact";
import { betaCell } from "../../view-state/config";
import { prismaOn } from "../prisma";

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

/**
 * Through the Prisma client on the caller's pool (the web server's atlas_web role): the runs with their model and
 * benchmark, the splits of the active ones, and the per-run stats summary (a groupBy: count and Σ n).
 */
export async function listRuns(pool: pg.Pool, q: RunsQuery): Promise<RunListItem[]> {
  const db = prismaOn(pool);
  const runs = await db.run.findMany({
    where: {
      ...(q.families.length ? { model: { family: { in: q.families } } } : {}),
      ...(q.active ? { status: { in: ["queued", "running"] } } : {}),
      ...(q.ids ? { id: { in: q.ids } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...(q.limit !== undefined ? { take: q.limit } : {}),
    skip: q.offset ?? 0,
    include: {
      model: { select: { name: true, family: true, sftDataset: true, smoothing: true } },
      benchmark: { select: { name: true } },
      // Splits of queued/running runs only: the page shows progress, finished runs need none.
      splits: { where: { run: { status: { in: ["queued", "running"] } } }, orderBy: { languageCode: "asc" } },
    },
  });
  const stats = runs.length
    ? await db.runLanguageStats.groupBy({
        by: ["runId"],
        where: { runId: { in: runs.map((r) => r.id) }, binning: "equal-width" },
        _count: { _all: true },
        _sum: { n: true },
      })
    : [];
  const statsOf = new Map(stats.map((s) => [s.runId, { languages: s._count._all, questions: s._sum.n ?? 0 }]));
  const err = (e: string | null) => (q.fullErrors ? e : errorSummary(e));
  return runs.map((r) => ({
    id: r.id,
    model: r.model.name,
    family: r.model.family,
    sft: r.model.sftDataset,
    beta: betaCell(r.model.sftDataset, r.model.smoothing),
    benchmark: r.benchmark.name,
    scoringMethod: r.scoringMethod,
    prompt: r.prompt,
    shots: r.shots,
    status: r.status,
    provenance: r.provenance,
    importKey: r.importKey,
    importerVersion: r.importerVersion,
    sourceFiles: Array.isArray(r.sourceFiles) ? (r.sourceFiles as RunFile[]).map(viewFile) : [],
    config: redactPaths(r.config ?? {}) as Record<string, unknown>,
    topLabelOnly: r.topLabelOnly,
    progressDone: r.progressDone,
    progressTotal: r.progressTotal,
    error: err(r.error),
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    statsLanguages: statsOf.get(r.id)?.languages ?? 0,
    statsQuestions: statsOf.get(r.id)?.questions ?? 0,
    splits: r.splits.map((s) => ({
      language: s.languageCode,
      status: s.status,
      done: s.done,
      total: s.total,
      questionsPerS: s.questionsPerS,
      etaSeconds: s.etaSeconds,
      error: err(s.error),
      updatedAt: s.updatedAt.toISOString(),
    })),
  }));
}

/** A stored source-file entry without its absolute path: `name` is the base name (kept when stored). */
function viewFile(f: RunFile): RunFile {
  const { path: stored, ...rest } = f;
  const named = typeof rest.name === "string" ? rest.name : typeof stored === "string" ? stored : undefined;
  return redactPaths({ ...rest, ...(named !== undefined ? { name: baseName(named) } : {}) }) as RunFile;
}
