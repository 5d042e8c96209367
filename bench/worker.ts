/**
 * `npm run bench:worker` — the evaluation worker end to end (plan → pg-boss queue → scoring → COPY
 * writes → stats) for both scoring methods and several batch sizes, on the tiny fixture model and on two
 * generated ~20M-parameter models, side by side: a GPT-2 (scripts/make-tiny-model.py --preset 20m) and a
 * Llama-3.1-style one (--arch llama-20m: RoPE with llama3 scaling, GQA 8:4, SwiGLU, untied head, BOS). Generating
 * needs Debian's python3-torch python3-onnx python3-regex (skipped with a message when they are missing); the
 * generator is deterministic, so every machine benches the same weights.
 *
 * For every case it measures wall time from enqueue to the run's completion, the time spent inside
 * onnxruntime (measured by the model's session around its passes, in the session's thread), tokens scored, and reports
 *   overhead_share = 1 − onnx_time / wall_time   (tokenisation, prompt building, queue, DB writes, stats).
 * Ends with one JSON line per case:
 *   {"bench":"worker","model":…,"method":…,"batch":…,"questions_per_s":…,"tokens_per_s":…,"overhead_share":…}
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { endPools, poolFor } from "../lib/db/pool";
import { benchDatabase } from "./support/temp-database";

const root = process.cwd();
const benchDir = path.join(root, ".atlas", "bench-worker");
const modelsDir = path.join(benchDir, "models");
process.env.ATLAS_MODELS_DIR = modelsDir;

// A deterministic question generator in the GlobalMMLU layout (English words, realistic lengths).
const WORDS = "the of and to in is was for on that with as by at from this which are be or an have not it were has all their been one more can its other also two after first into new time would most these some may only over many years such later made between about three both during including known used where city world state work while".split(" ");
function dataset(dir: string, n: number) {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const words = (k: number) => Array.from({ length: k }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");
  const rows = (split: string, count: number) =>
    Array.from({ length: count }, (_, i) =>
      JSON.stringify({
        sample_id: `${split}/${i}`, subject: "miscellaneous", subject_category: "Other",
        question: `${words(28)}?`, option_a: words(4), option_b: words(5), option_c: words(3), option_d: words(6),
        answer: "ABCD"[i % 4],
      }),
    ).join("\n") + "\n";
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "test_en.jsonl"), rows("test", n));
  writeFileSync(path.join(dir, "dev_en.jsonl"), rows("dev", 5));
}

/** A generated benchmark model folder (`name`), made by make-tiny-model.py with `args` unless already there. */
function ensureGenerated(name: string, args: string[]): string | null {
  const folder = path.join(modelsDir, name);
  if (existsSync(path.join(folder, "onnx", "model.onnx"))) return name;
  // Reuse one generated earlier (the generator's documented output folder).
  const shared = path.join(root, ".atlas", "models", name);
  if (existsSync(path.join(shared, "onnx", "model.onnx"))) {
    cpSync(shared, folder, { recursive: true });
    return name;
  }
  const probe = spawnSync("/usr/bin/python3", ["-c", "import torch, onnx, regex"], { encoding: "utf8" });
  if (probe.status !== 0) {
    console.error(`bench:worker: skipping ${name} — install Debian's python3-torch python3-onnx python3-regex to generate it`);
    return null;
  }
  console.error(`generating ${name} (scripts/make-tiny-model.py ${args.join(" ")})…`);
  const r = spawnSync("/usr/bin/python3", ["scripts/make-tiny-model.py", ...args, "--out", folder], { stdio: "inherit" });
  return r.status === 0 ? name : null;
}

async function main() {
  mkdirSync(modelsDir, { recursive: true });
  cpSync(path.join(root, "tests/fixtures/models/tiny-gpt2"), path.join(modelsDir, "tiny-gpt2"), { recursive: true });
  // BENCH_WORKER_MODELS=gpt2-20m,llama-20m (comma-separated) runs only those models' cases; the others are not generated.
  const only = process.env.BENCH_WORKER_MODELS?.split(",").map((s) => s.trim());
  const wanted = (name: string) => !only || only.includes(name);
  const big = [
    wanted("gpt2-20m") ? ensureGenerated("gpt2-20m", ["--preset", "20m"]) : null,
    wanted("llama-20m") ? ensureGenerated("llama-20m", ["--arch", "llama-20m"]) : null,
  ].filter((m): m is string => m !== null);
  // BENCH_WORKER_QUESTIONS: questions per split (smoke tests use a handful).
  const questions = Number(process.env.BENCH_WORKER_QUESTIONS ?? 400);

  const { url, drop } = await benchDatabase("worker");
  const pool = poolFor(url);

  const { registerModel } = await import("../cli/commands/register-model");
  const { planEvaluation } = await import("../workers/evaluation/plan");
  const { evaluationRequestSchema } = await import("../workers/evaluation/request");
  const { startWorker } = await import("../workers/worker");
  const { stopBosses } = await import("../workers/queue/boss");
  const { modelFor } = await import("../workers/evaluation/model-cache");
  const split = await import("../workers/jobs/evaluate-split");

  const cases: { model: string; questions: number; method: "letter" | "continuation"; batch: number }[] = [];
  // 400 questions per split: a GlobalMMLU-Lite language split (full GlobalMMLU has ~14,000), so the per-split
  // fixed costs (claim, dataset load, statistics with bootstrap) weigh as they do in a real evaluation.
  for (const [model, n] of [["tiny-gpt2", questions], ...big.map((b) => [b, questions])] as [string, number][]) {
    if (only && !only.includes(model)) continue;
    for (const batch of (process.env.BENCH_WORKER_BATCHES ?? "1,8,32").split(",").map(Number)) cases.push({ model, questions: n, method: "letter", batch });
    for (const batch of (process.env.BENCH_WORKER_BATCHES ?? "1,8").split(",").map(Number).filter((b) => b <= 8)) cases.push({ model, questions: n, method: "continuation", batch });
  }
  const results: Record<string, unknown>[] = [];
  const worker = await startWorker(url, { quiet: true });
  for (const [i, c] of cases.entries()) {
    const data = path.join(benchDir, `data-${c.questions}`);
    if (!existsSync(data)) dataset(data, c.questions);
    const name = `${c.model}-case${i}`;
    await registerModel(pool, { name, onnx: c.model, family: c.model }, () => {});
    // Load once outside the timing. Time inside onnxruntime is what the session itself measured around its passes
    // (in its thread, see workers/model/threaded-session.ts): forward passes can overlap the job's own work.
    const model = await modelFor(c.model, () => {});
    const busy0 = model.session.busyMs ?? NaN;
    const t0 = performance.now();
    const plan = await planEvaluation(pool, url, evaluationRequestSchema.parse({ model: name, benchmark: "GlobalMMLU", data, method: c.method, batchSize: c.batch }));
    for (;;) {
      const r = await pool.query<{ status: string }>(`SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`, [plan.runId]);
      if (r.rows[0].status === "completed") break;
      if (r.rows[0].status === "failed") throw new Error(`run ${plan.runId} failed`);
      await new Promise((res) => setTimeout(res, 50));
    }
    const wallMs = performance.now() - t0;
    const onnxMs = (model.session.busyMs ?? NaN) - busy0;
    const t = split.lastTimings!;
    const line = {
      bench: "worker",
      model: c.model,
      method: c.method,
      batch: c.batch,
      // in-thread: passes block the job's thread (CPU provider default); own-thread: threaded-session.ts (CUDA default)
      session: model.session.overlaps ? "own-thread" : "in-thread",
      questions: t.questions,
      questions_per_s: +(t.questions / (wallMs / 1000)).toFixed(2),
      tokens_per_s: +(t.tokens / (wallMs / 1000)).toFixed(0),
      onnx_s: +(onnxMs / 1000).toFixed(3),
      wall_s: +(wallMs / 1000).toFixed(3),
      overhead_share: +(1 - onnxMs / wallMs).toFixed(3),
      // Where the rest went: the queue (enqueue → claim, plus completion polling), the job's fixed part (claim,
      // dataset load, resume query, stats), waiting for grouped DB writes, and the remainder: scoring work on the
      // main thread that no forward pass covered (prompts, tokenisation, cache expansion, the log-softmax pass).
      prep_s: +(Math.max(0, t.scoringMs - onnxMs) / 1000).toFixed(3),
      write_s: +(t.writeMs / 1000).toFixed(3),
      fixed_s: +(t.otherMs / 1000).toFixed(3),
      queue_s: +((wallMs - t.scoringMs - t.writeMs - t.otherMs) / 1000).toFixed(3),
    };
    console.error(`${c.model} ${c.method} batch ${c.batch}: ${line.questions_per_s} q/s, ${line.tokens_per_s} tok/s, onnx ${line.onnx_s}s of ${line.wall_s}s → overhead ${line.overhead_share} (prep ${line.prep_s}s, writes ${line.write_s}s, fixed ${line.fixed_s}s, queue ${line.queue_s}s)`);
    results.push(line);
  }
  await worker.stop();
  await stopBosses();
  await endPools();
  await drop();
  rmSync(path.join(benchDir, `data-${questions}`), { recursive: true, force: true });
  for (const r of results) console.log(JSON.stringify(r));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
