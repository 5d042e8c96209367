/**
 * Precomputed per-(run, language) statistics after an import, inside the import transaction, through
 * lib/db/stats.ts (recomputeRunStats). Loaded lazily so that the importer keeps working while that
 * module is absent (the run's stats are then simply not computed and the result says so).
 */
import type pg from "pg";

type RecomputeRunStats = (client: pg.ClientBase, runId: number, opts?: Record<string, unknown>) => Promise<void>;

let loaded: Promise<RecomputeRunStats | null> | null = null;

function load(): Promise<RecomputeRunStats | null> {
  const spec = "../db/stats";
  loaded ??= import(/* @vite-ignore */ /* webpackIgnore: true */ spec).then(
    (m: { recomputeRunStats?: RecomputeRunStats }) => m.recomputeRunStats ?? null,
    () => null,
  );
  return loaded;
}

/** Recomputes the run's RunLanguageStats rows; false when the stats module is not available. */
export async function recomputeStats(client: pg.ClientBase, runId: number): Promise<boolean> {
  const fn = await load();
  if (!fn) return false;
  await fn(client, runId);
  return true;
}
