/**
 * `calib evaluate --model NAME --benchmark B --data PATH [--languages a,b] [--method letter|continuation]
 *   [--normalization per-token|sum] [--shots K] [--batch N] [--limit N] [--max-length N] [--apply-chat-template
 *   [--fewshot-as-multiturn]] [--enqueue-only]`
 * Plans the run (idempotent: the same request resumes its run), enqueues one job per language split,
 * and — unless --enqueue-only — works on the queue itself with a progress bar until the run is done.
 */
import { parseArgs } from "node:util";
import { badInput } from "../../lib/errors";
import { endPools, poolFor } from "../../lib/db/pool";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { cliArgs } from "../args";

export const summary = "evaluate a registered ONNX model on a benchmark's language splits (queued jobs)";

export async function run(argv: string[]): Promise<number> {
  const { values } = cliArgs(() =>
    parseArgs({
      args: argv,
      options: {
        model: { type: "string" }, benchmark: { type: "string" }, data: { type: "string" }, languages: { type: "string" },
        method: { type: "string" }, normalization: { type: "string" }, shots: { type: "string" }, batch: { type: "string" },
        limit: { type: "string" }, "enqueue-only": { type: "boolean" },
        "max-length": { type: "string" }, "apply-chat-template": { type: "boolean" }, "fewshot-as-multiturn": { type: "boolean" },
      },
    }),
  );
  const { evaluationRequestSchema } = await import("../../workers/evaluation/request");
  const parsed = evaluationRequestSchema.safeParse({
    model: values.model,
    benchmark: values.benchmark,
    data: values.data,
    languages: values.languages ? values.languages.split(",").map((s) => s.trim()) : [],
    method: values.method,
    normalization: values.normalization,
    shots: values.shots === undefined ? undefined : Number(values.shots),
    batchSize: values.batch === undefined ? undefined : Number(values.batch),
    limit: values.limit === undefined ? undefined : Number(values.limit),
    maxLength: values["max-length"] === undefined ? undefined : Number(values["max-length"]),
    applyChatTemplate: values["apply-chat-template"] === true,
    fewshotAsMultiturn: values["fewshot-as-multiturn"] === true,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = { batchSize: "batch", maxLength: "max-length", applyChatTemplate: "apply-chat-template", fewshotAsMultiturn: "fewshot-as-multiturn" }[String(issue.path[0])] ?? String(issue.path[0]);
    throw badInput(issue.message, { field: `--${flag}` });
  }
  const url = await resolveDatabaseUrl();
  const pool = poolFor(url);
  const { planEvaluation } = await import("../../workers/evaluation/plan");
  const { startWorker } = await import("../../workers/worker");
  const { stopBosses } = await import("../../workers/queue/boss");
  try {
    const plan = await planEvaluation(pool, url, parsed.data);
    console.error(
      `run ${plan.runId} (${plan.created ? "new" : "resumed"}): ${plan.splits.map((s) => `${s.language} ${s.total}`).join(", ")}; ${plan.enqueued} job(s) queued`,
    );
    if (!values["enqueue-only"]) {
      const worker = await startWorker(url);
      for (;;) {
        const r = await pool.query<{ status: string }>(`SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`, [plan.runId]);
        const status = r.rows[0]?.status;
        if (status === "completed" || status === "cancelled") break;
        if (status === "failed") {
          const err = await pool.query<{ error: string }>(`SELECT "error" FROM "Run" WHERE "id" = $1`, [plan.runId]);
          console.error(`run ${plan.runId} failed (will be retried by the queue): ${err.rows[0]?.error}`);
        }
        await new Promise((res) => setTimeout(res, 500));
      }
      await worker.stop();
    }
    const final = await pool.query<{ status: string; progressDone: number; progressTotal: number }>(
      `SELECT "status"::text AS status, "progressDone", "progressTotal" FROM "Run" WHERE "id" = $1`,
      [plan.runId],
    );
    console.log(JSON.stringify({ runId: plan.runId, ...final.rows[0] }));
  } finally {
    await stopBosses();
    await endPools();
  }
  return 0;
}
