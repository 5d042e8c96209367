/**
 * `calib recompute [--run ID]`: rebuilds the precomputed RunLanguageStats of one run, or of every run,
 * each run in its own transaction (a failure leaves that run's previous stats in place).
 */
import { parseArgs } from "node:util";
import { AtlasError, badInput } from "../../lib/errors";
import { endPools, inTransaction, poolFor } from "../../lib/db/pool";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { recomputeRunStats } from "../../lib/db/stats";
import { cliArgs } from "../args";

export const summary = "recompute the per-language statistics of one run (--run ID) or all runs";

export async function run(argv: string[]): Promise<number> {
  const { values } = cliArgs(() => parseArgs({ args: argv, options: { run: { type: "string" } } }));
  let only: number | undefined;
  if (values.run !== undefined) {
    only = Number(values.run);
    if (!Number.isSafeInteger(only) || only <= 0)
      throw badInput(`--run must be a run id, got "${values.run}"`, { field: "run" });
  }
  const pool = poolFor(await resolveDatabaseUrl());
  try {
    const ids = (
      await pool.query<{ id: number }>(
        `SELECT "id" FROM "Run" ${only !== undefined ? `WHERE "id" = $1` : ""} ORDER BY "id"`,
        only !== undefined ? [only] : [],
      )
    ).rows.map((r) => r.id);
    if (only !== undefined && ids.length === 0)
      throw new AtlasError("NOT_FOUND", `no run ${only}`, { field: "run" });
    for (const id of ids) {
      const t0 = Date.now();
      await inTransaction(pool, (client) => recomputeRunStats(client, id));
      console.log(`run ${id}: statistics recomputed in ${Date.now() - t0} ms`);
    }
    if (ids.length === 0) console.log("no runs");
  } finally {
    await endPools();
  }
  return 0;
}
