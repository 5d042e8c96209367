/**
 * Run lifecycle writes shared by the CLI, the API routes and the worker, through the Prisma client on the caller's
 * pool (same connections and role: lib/db/prisma.ts). Cancelling only flips statuses: a worker checks its run
 * between batches and stops, and a queued job whose run is cancelled finishes at once without scoring anything.
 */
import type pg from "pg";
import { AtlasError } from "../errors";
import { prismaOn } from "./prisma";

const ACTIVE = ["queued", "running"] as const;

export async function cancelRun(pool: pg.Pool, runId: number, language?: string): Promise<{ splits: number }> {
  const db = prismaOn(pool);
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw new AtlasError("NOT_FOUND", `run ${runId} not found`, { field: "run" });
  const splits = await db.runSplit.updateMany({
    where: { runId, status: { in: [...ACTIVE] }, ...(language !== undefined ? { languageCode: language } : {}) },
    data: { status: "cancelled" }, // updatedAt: @updatedAt
  });
  // The run is cancelled when nothing of it is left to do (one statement: NOT EXISTS on its splits).
  await db.run.updateMany({
    where: { id: runId, status: { in: [...ACTIVE] }, splits: { none: { status: { in: [...ACTIVE] } } } },
    data: { status: "cancelled", finishedAt: new Date() },
  });
  return { splits: splits.count };
}

/**
 * POST /api/runs/:id/cancel: cancels a queued or running run (409 for any other status), including one without
 * splits, which cancelRun leaves alone; returns the run's status afterwards.
 */
export async function cancelActiveRun(pool: pg.Pool, runId: number): Promise<{ splits: number; status: string }> {
  const db = prismaOn(pool);
  const before = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
  if (!before) throw new AtlasError("NOT_FOUND", `run ${runId} not found`, { field: "id" });
  if (!(ACTIVE as readonly string[]).includes(before.status))
    throw new AtlasError("CONFLICT", `run ${runId} is ${before.status}: nothing to cancel`, { field: "id" });
  const { splits } = await cancelRun(pool, runId);
  // A run with splits left to do was cancelled by cancelRun; one without any splits is cancelled here.
  await db.run.updateMany({ where: { id: runId, status: { in: [...ACTIVE] } }, data: { status: "cancelled", finishedAt: new Date() } });
  const after = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
  return { splits, status: after?.status ?? "cancelled" };
}

export interface SplitProgress {
  runId: number;
  model: string;
  benchmark: string;
  language: string;
  status: string;
  done: number;
  total: number;
  questionsPerS: number | null;
  etaSeconds: number | null;
  updatedAt: Date;
}

export async function listSplits(pool: pg.Pool, runId?: number): Promise<SplitProgress[]> {
  const rows = await prismaOn(pool).runSplit.findMany({
    where: runId === undefined ? {} : { runId },
    orderBy: [{ runId: "desc" }, { languageCode: "asc" }],
    select: {
      runId: true,
      languageCode: true,
      status: true,
      done: true,
      total: true,
      questionsPerS: true,
      etaSeconds: true,
      updatedAt: true,
      run: { select: { model: { select: { name: true } }, benchmark: { select: { name: true } } } },
    },
  });
  return rows.map(({ run, languageCode, ...s }) => ({ ...s, model: run.model.name, benchmark: run.benchmark.name, language: languageCode }));
}

/** Deletes a run that is not queued or running (its predictions, stats and splits go with it: ON DELETE CASCADE). */
export async function deleteRun(pool: pg.Pool, runId: number): Promise<void> {
  const db = prismaOn(pool);
  // One statement decides: a run that turns queued/running meanwhile is not deleted (no read-then-write race).
  const { count } = await db.run.deleteMany({ where: { id: runId, status: { notIn: [...ACTIVE] } } });
  if (count === 1) return;
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
  if (!run) throw new AtlasError("NOT_FOUND", `run ${runId} not found`, { field: "id" });
  throw new AtlasError("CONFLICT", `run ${runId} is ${run.status}: cancel it first`, { field: "id" });
}
