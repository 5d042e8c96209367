/**
 * `npm run bench:split`: one whole GlobalMMLU language split (14,042 questions, generated in the Hugging Face Parquet
 * layout by testkit/full-size-datasets.ts) through the evaluation worker with the tiny fixture model, as a user
 * runs it: plan → a worker process scores → the worker is killed (SIGKILL) a third of the way → the same request
 * again (`calib evaluate` after a crash) and a second worker process resume the split → statistics. Checks: every question has exactly one prediction, progress reached the
 * total, the split's statistics cover every question. One JSON line:
 *   {"bench":"split","questions":…,"seconds":…,"questions_per_s":…,"done_at_kill":…,"resume_s":…,"predictions":…}
 *
 * A full split takes 68 s on the 2-core development VM (~200 questions/s, letter scoring, batch 8), so
 * tests/int/split-full-size.int.test.ts runs this bench at full size in CI. `-- --questions 1000` is the smoke size.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { FULL_SIZE, fullSizeDataset, fullSizeLanguages } from "../testkit/full-size-datasets";
import { SCORING_V8_FLAGS } from "../workers/v8-flags";

const root = path.resolve(import.meta.dirname, "..");
// Before the dynamic imports below, which read it when they load.
process.env.ATLAS_MODELS_DIR = path.join(root, "tests/fixtures/models");
const { benchDatabase } = await import("./support/temp-database");
const { endPools, poolFor } = await import("../lib/db/pool");
const { registerModel } = await import("../cli/commands/register-model");
const { planEvaluation } = await import("../workers/evaluation/plan");
const { evaluationRequestSchema } = await import("../workers/evaluation/request");
const { stopBosses } = await import("../workers/queue/boss");
const log = (msg: string) => process.stderr.write(`[bench:split] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { values } = parseArgs({ options: { questions: { type: "string" }, batch: { type: "string", default: "8" } } });
  const questions = values.questions ? Number(values.questions) : FULL_SIZE.globalmmlu.questions;
  const data = fullSizeDataset("globalmmlu", { languages: 1, questions });
  const [language] = fullSizeLanguages("globalmmlu", 1);
  const { url, drop } = await benchDatabase("split");
  const pool = poolFor(url);
  const workers: ChildProcess[] = [];
  const spawnWorker = () => {
    const w = spawn(process.execPath, [...SCORING_V8_FLAGS, "--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      stdio: "ignore",
    });
    workers.push(w);
    return w;
  };
  try {
    await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
    const req = evaluationRequestSchema.parse({ model: "tiny-gpt2", benchmark: "GlobalMMLU", data, languages: [language], method: "letter", batchSize: Number(values.batch) });
    const t0 = performance.now();
    const plan = await planEvaluation(pool, url, req);
    const split = async () =>
      (await pool.query<{ done: number; total: number; status: string }>(`SELECT "done", "total", "status"::text AS status FROM "RunSplit" WHERE "runId" = $1`, [plan.runId])).rows[0];
    const first = spawnWorker();
    let s = await split();
    while (s.done < questions / 3) {
      await sleep(200);
      s = await split();
    }
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const doneAtKill = (await split()).done;
    // Predictions are written in groups of 256 (or every 2 s): a split of fewer than ~800 may finish before the kill.
    if (doneAtKill >= questions) throw new Error(`the split finished before the worker was killed: use more questions`);
    log(`killed the first worker at ${doneAtKill}/${questions}`);
    const tResume = performance.now();
    // Resume as a user does after a crash: the same evaluate request again re-enqueues the unfinished split (the
    // dead worker's job would otherwise wait for its expiry; a short expiry cannot be used for a split that runs
    // for many minutes, pg-boss would expire and retry the live job).
    await planEvaluation(pool, url, req);
    spawnWorker();
    let last = -1;
    for (;;) {
      s = await split();
      if (s.status === "completed") break;
      if (s.status === "failed") throw new Error(`split failed: ${JSON.stringify(s)}`);
      if (s.done !== last) log(`${s.done}/${s.total}`);
      last = s.done;
      await sleep(5000);
    }
    const seconds = (performance.now() - t0) / 1000;
    const resumeS = (performance.now() - tResume) / 1000;
    const p = (
      await pool.query<{ n: number; distinct_q: number }>(`SELECT count(*)::int AS n, count(DISTINCT "questionId")::int AS distinct_q FROM "Prediction" WHERE "runId" = $1`, [plan.runId])
    ).rows[0];
    const stats = (await pool.query<{ n: number }>(`SELECT min("n")::int AS n FROM "RunLanguageStats" WHERE "runId" = $1`, [plan.runId])).rows[0];
    if (p.n !== questions || p.distinct_q !== questions || s.done !== questions || stats.n !== questions)
      throw new Error(`expected ${questions} predictions, progress and statistics: ${JSON.stringify({ p, s, stats })}`);
    console.log(
      JSON.stringify({
        bench: "split",
        questions,
        seconds: Number(seconds.toFixed(1)),
        questions_per_s: Number((questions / seconds).toFixed(2)),
        done_at_kill: doneAtKill,
        resume_s: Number(resumeS.toFixed(1)),
        predictions: p.n,
        load_avg: Number(loadavg()[0].toFixed(2)),
      }),
    );
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill("SIGTERM");
    await stopBosses();
    await endPools();
    await drop();
  }
}

await main();
