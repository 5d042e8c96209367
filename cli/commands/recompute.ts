/**
 * `calib recompute [--run ID]`: rebuilds the precomputed RunLanguageStats of one run, or of every run,
 * each run in its own transaction (a failure leaves that run's previous stats in place). Statistics are
 * computed one language of one run at a time (lib/db/stats.ts), so memory does not grow with the database;
 * a progress bar on stderr counts predictions (28M for the paper's full grid).
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { AtlasError, badInput } from "../../lib/errors";
import { endPools, inTransaction, poolFor } from "../../lib/db/pool";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { recomputeRunStats } from "../../lib/db/stats";
import { comparisonPairsOf, storeRunPairs } from "../../lib/db/paired-stats";
import { cliArgs } from "../args";
import { ProgressBar } from "../../lib/progress";
import { computeThreadFile } from "../../lib/compute/pool";
import { ThreadPool } from "../../lib/compute/thread-pool";

export const summary = "recompute the per-language statistics of one run (--run ID) or all runs (--threads N: compute threads, default one per core)";

export async function run(argv: string[]): Promise<number> {
  const { values } = cliArgs(() => parseArgs({ args: argv, options: { run: { type: "string" }, threads: { type: "string" } } }));
  // Compute threads: each language's bootstrap runs on one while the next language is read (0 = in this thread).
  const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
  if (!Number.isSafeInteger(threads) || threads < 0 || threads > 256)
    throw badInput(`--threads must be an integer from 0 to 256, got "${values.threads}"`, { field: "threads" });
  let only: number | undefined;
  if (values.run !== undefined) {
    only = Number(values.run);
    if (!Number.isSafeInteger(only) || only <= 0)
      throw badInput(`--run must be a run id, got "${values.run}"`, { field: "run" });
  }
  const pool = poolFor(await resolveDatabaseUrl());
  const compute = threads > 0 ? new ThreadPool(computeThreadFile(), threads, threads + 1, { priority: "normal" }) : undefined;
  try {
    // Runs with their prediction counts (the progress total), from the Prediction key alone.
    const runs = (
      await pool.query<{ id: number; n: number }>(
        `SELECT r."id", COALESCE(p.n, 0)::float8 AS n FROM "Run" r
           LEFT JOIN (SELECT "runId", count(*) AS n FROM "Prediction" ${only !== undefined ? `WHERE "runId" = $1` : ""} GROUP BY 1) p ON p."runId" = r."id"
          ${only !== undefined ? `WHERE r."id" = $1` : ""} ORDER BY r."id"`,
        only !== undefined ? [only] : [],
      )
    ).rows;
    if (only !== undefined && runs.length === 0)
      throw new AtlasError("NOT_FOUND", `no run ${only}`, { field: "run" });
    const total = runs.reduce((s, r) => s + r.n, 0);
    const bar = new ProgressBar();
    const started = Date.now();
    let done = 0;
    const progress = (label: string) =>
      bar.update({ label, done, total, perSecond: done / Math.max((Date.now() - started) / 1000, 1e-3) });
    for (const { id } of runs) {
      const t0 = Date.now();
      await inTransaction(pool, (client) =>
        recomputeRunStats(client, id, {
          pool: compute,
          pairs: only !== undefined, // all runs: each pair once, below
          onLanguage: (language, predictions) => {
            done += predictions;
            progress(`run ${id} ${language}`);
          },
        }),
      );
      bar.done();
      console.log(`run ${id}: statistics recomputed in ${Date.now() - t0} ms`);
    }
    if (only === undefined && runs.length > 0) {
      // Every pair once, after both of its runs' statistics: from its reference run (β = 0, or the base model). The
      // bar counts pairs (3,195 bootstraps of up to 14,042 questions for the paper's grid: minutes of their own).
      const t0 = Date.now();
      let pairsTotal = 0;
      for (const { id } of runs) pairsTotal += (await comparisonPairsOf(pool, id, null, true)).length;
      let pairs = 0;
      let pairsDone = 0;
      // Every run, also one with no pair left: storeRunPairs deletes the rows it was run A of before it stores.
      for (const { id } of runs)
        pairs += await inTransaction(pool, (client) =>
          storeRunPairs(client, id, {
            pool: compute,
            asReference: true,
            onPair: () => {
              pairsDone++;
              bar.update({ label: `paired bootstraps, run ${id}`, done: pairsDone, total: pairsTotal, perSecond: pairsDone / Math.max((Date.now() - t0) / 1000, 1e-3) });
            },
          }),
        );
      bar.done();
      console.log(`paired bootstraps: ${pairs} stored in ${Date.now() - t0} ms`);
    }
    if (runs.length === 0) console.log("no runs");
  } finally {
    await compute?.close();
    await endPools();
  }
  return 0;
}
