/**
 * `calib jobs list [--run ID]` — per-split progress of evaluation runs.
 * `calib jobs cancel --run ID [--language xx]` — cancel a run (or one split); workers stop between batches.
 */
import { parseArgs } from "node:util";
import { badInput } from "../../lib/errors";
import { endPools, poolFor } from "../../lib/db/pool";
import { cancelRun, listSplits } from "../../lib/db/runs";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { cliArgs } from "../args";
import { formatEta } from "../../lib/progress";

export const summary = "list evaluation jobs with progress, or cancel a run";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = cliArgs(() =>
    parseArgs({ args: argv, allowPositionals: true, options: { run: { type: "string" }, language: { type: "string" }, json: { type: "boolean" } } }),
  );
  const action = positionals[0] ?? "list";
  const runId = values.run === undefined ? undefined : Number(values.run);
  if (runId !== undefined && !Number.isInteger(runId)) throw badInput(`not a run id: ${values.run}`, { field: "--run" });
  const pool = poolFor(await resolveDatabaseUrl());
  try {
    if (action === "cancel") {
      if (runId === undefined) throw badInput("cancel needs --run ID", { field: "--run" });
      const r = await cancelRun(pool, runId, values.language);
      console.log(`run ${runId}: ${r.splits} split(s) cancelled`);
      return 0;
    }
    if (action !== "list") throw badInput(`unknown action "${action}" (list | cancel)`);
    const rows = await listSplits(pool, runId);
    if (values.json) {
      console.log(JSON.stringify(rows));
      return 0;
    }
    if (rows.length === 0) console.log("no evaluation jobs");
    for (const r of rows) {
      const rate = r.questionsPerS ? `${r.questionsPerS.toFixed(2)} q/s` : "";
      console.log(
        `run ${r.runId}  ${r.model}  ${r.benchmark}/${r.language}  ${r.status.padEnd(9)} ${r.done}/${r.total}  ${rate}  ETA ${formatEta(r.etaSeconds)}`,
      );
    }
  } finally {
    await endPools();
  }
  return 0;
}
