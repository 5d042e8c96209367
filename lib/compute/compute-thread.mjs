/**
 * The thread side of lib/compute (thread-pool.ts, one pool for every kind of task): runs CPU-bound work off the
 * web server's event loop. Plain JavaScript, loaded by worker_threads as is (under next start, tsx or vitest
 * alike); it loads the TypeScript library through tsx's isolated tsImport, so nothing changes for other modules
 * of the process. Messages:
 *  - { id, kind: "paired-basic", a, b, options } or { id, kind: "paired-basic", text, options } →
 *    pairedBootstrapBasic (lib/calibration/paired-basic), the significance bootstrap (ECE, accuracy, entropy), on
 *    built sets or on labelled rows as text (pairFromText: the parsing stays off the request thread too);
 *  - { id, kind: "stats", task } → computeLanguageStats(task) (lib/db/stats-compute.ts): one language's metrics and
 *    bootstrap intervals for recomputeRunStats (`calib recompute`, imports);
 *  - { id, kind: "stats-part", part } → computeLanguageStatsPart(part): a range of a language's resamples (and its
 *    point metrics for the first part), when recomputeRunStats spreads one language over several threads;
 *  - { id, kind: "stats-warm" } → loads the statistics code, runs it once on a small synthetic language (warmUpStats:
 *    its hot code compiled before the first real language) and answers null: startStatsPool sends one to each thread
 *    when it starts the pool, so threads start, load and warm up while the first language is read, not after;
 *  - { id, kind: "recalibration", url, runId, method } → computeRecalibration (lib/db/queries/recalibration-compute):
 *    the thread reads the run's predictions itself over its own connection, so only the small result crosses.
 * Answer: { id, ok: true, value } or { id, ok: false, error }.
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

// Lowest CPU priority for this thread only (on Linux a nice value belongs to the calling thread): with as many busy
// compute threads as cores, the request thread still gets the CPU first, so pages stay responsive during a burst of
// bootstraps. Where it is not allowed, the thread simply runs at normal priority. A pool with no request thread to
// protect (`calib recompute`, the statistics of imports and splits) asks for { priority: "normal" }.
if (workerData?.priority !== "normal") {
  try {
    setPriority(19);
  } catch {
    // not permitted here: normal priority
  }
}

let pairedBasic = null;
let recalibration = null;
let stats = null;
let pg = null;

async function recalibrate({ url, runId, method }) {
  recalibration ??= tsImport("../db/queries/recalibration-compute.ts", import.meta.url);
  pg ??= import("pg");
  const [{ computeRecalibration }, { default: { Client } }] = await Promise.all([recalibration, pg]);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await computeRecalibration(client, runId, method);
  } finally {
    await client.end().catch(() => {});
  }
}

async function run(message) {
  switch (message.kind) {
    case "paired-basic": {
      pairedBasic ??= tsImport("../calibration/paired-basic.ts", import.meta.url);
      const { pairedBootstrapBasic, pairFromText } = await pairedBasic;
      const [a, b] = message.text ? pairFromText(message.text) : [message.a, message.b];
      return pairedBootstrapBasic(a, b, message.options);
    }
    case "stats": {
      stats ??= tsImport("../db/stats-compute.ts", import.meta.url);
      const { computeLanguageStats } = await stats;
      return computeLanguageStats(message.task);
    }
    case "stats-warm": {
      stats ??= tsImport("../db/stats-compute.ts", import.meta.url);
      const { warmUpStats } = await stats;
      warmUpStats();
      return null;
    }
    case "stats-part": {
      stats ??= tsImport("../db/stats-compute.ts", import.meta.url);
      const { computeLanguageStatsPart } = await stats;
      return computeLanguageStatsPart(message.part);
    }
    case "recalibration":
      return recalibrate(message);
    default:
      throw new Error(`unknown compute task ${message.kind}`);
  }
}

parentPort.on("message", async (message) => {
  try {
    parentPort.postMessage({ id: message.id, ok: true, value: await run(message) });
  } catch (e) {
    parentPort.postMessage({ id: message.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
