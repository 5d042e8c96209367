/**
 * `npm run bench:plan`: planning whole benchmarks at their published size — GlobalMMLU (42 × 14,042 questions) and
 * MMLU-ProX (29 × 11,829, up to 10 options) — generated in each real file layout (testkit/full-size-datasets.ts:
 * every language as JSONL, as CSV, as Parquet in the Hugging Face layout; cached under .atlas-test/datasets), into a
 * fresh database: reading every file, storing every question, creating the run and enqueueing one job per language.
 * Then the same request again (the resume path: every question is stored). Goal: < 30 s each, memory bounded.
 *
 * Each benchmark × format runs in its own process, so that its peak RSS (the kernel's maxRSS of that process) is its
 * own. One JSON line each: {"bench":"plan","benchmark":…,"format":…,"questions":…,"seconds":…,"cpu_seconds":…,
 * "pg_cpu_seconds":…,"replan_seconds":…,"peak_rss_mb":…,"max_questions_held":…,"memory_bound":…,"goal_s":30,
 * "load_avg":[before, after]}. `cpu_seconds` is this process's CPU while planning, `pg_cpu_seconds` the embedded
 * server's (null on another server): on a shared machine they say more than wall time. `max_questions_held` is the
 * most questions planning held at once — the memory bound it claims is one read batch (`memory_bound`), whatever the
 * number of questions.
 *
 *   npm run bench:plan [-- --questions 14042 --languages 42 --formats jsonl,csv,parquet,mixed]   (smaller for a smoke run)
 */
import { isEnvSet } from "../lib/env";
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { FULL_SIZE, fullSizeDataset, type FullSizeBenchmark, type FullSizeFormat } from "../testkit/full-size-datasets";

const log = (msg: string) => process.stderr.write(`[bench:plan] ${msg}\n`);
const NAMES: Record<FullSizeBenchmark, string> = { globalmmlu: "GlobalMMLU", mmluprox: "MMLU-ProX" };
const FORMATS: FullSizeFormat[] = ["jsonl", "csv", "parquet", "mixed"];
const GOAL_S = 30;
const MEMORY_BOUND = "one read batch: the lines of one 1 MiB read (JSONL, CSV) or one Parquet row group";
const load = () => Number(loadavg()[0].toFixed(2));

/** One benchmark in one format, in this (child) process; prints its JSON line. */
async function planOne(kind: FullSizeBenchmark, format: FullSizeFormat, data: string, expected: number) {
  const { benchDatabase } = await import("./support/temp-database");
  const { postgresCpuSeconds } = await import("./support/postgres-cpu");
  const { endPools, poolFor } = await import("../lib/db/pool");
  const { registerModel } = await import("../cli/commands/register-model");
  const { planEvaluation } = await import("../workers/evaluation/plan");
  const { evaluationRequestSchema } = await import("../workers/evaluation/request");
  const { stopBosses } = await import("../workers/queue/boss");
  const { url, drop } = await benchDatabase("plan");
  const pool = poolFor(url);
  try {
    await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
    const loadBefore = load();
    const req = evaluationRequestSchema.parse({ model: "tiny-gpt2", benchmark: NAMES[kind], data, method: "letter" });
    const cpu = process.cpuUsage();
    const pgCpu = postgresCpuSeconds();
    let t = performance.now();
    const plan = await planEvaluation(pool, url, req);
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const pgUsed = pgCpu === null ? null : Number((postgresCpuSeconds()! - pgCpu).toFixed(2));
    t = performance.now();
    const again = await planEvaluation(pool, url, req);
    const replan = (performance.now() - t) / 1000;
    const questions = plan.splits.reduce((s, x) => s + x.total, 0);
    if (questions !== expected || again.runId !== plan.runId || again.created)
      throw new Error(`planned ${questions} questions (expected ${expected}), replan run ${again.runId} vs ${plan.runId}`);
    log(`${kind} ${format}: ${questions} questions planned in ${seconds.toFixed(1)} s, re-planned in ${replan.toFixed(1)} s`);
    console.log(
      JSON.stringify({
        bench: "plan",
        benchmark: NAMES[kind],
        format,
        languages: plan.splits.length,
        questions,
        seconds: Number(seconds.toFixed(2)),
        cpu_seconds: Number(((used.user + used.system) / 1e6).toFixed(2)),
        pg_cpu_seconds: pgUsed,
        replan_seconds: Number(replan.toFixed(2)),
        // maxRSS: the process's peak resident set (kB), from the kernel — not a sample.
        peak_rss_mb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
        max_questions_held: plan.maxQuestionsHeld,
        memory_bound: MEMORY_BOUND,
        goal_s: GOAL_S,
        load_avg: [loadBefore, load()],
      }),
    );
  } finally {
    await stopBosses();
    await endPools();
    await drop();
  }
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, "--child", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`bench:plan ${args.join(" ")} exited ${code}`))));
  });
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { questions: { type: "string" }, languages: { type: "string" }, formats: { type: "string" }, child: { type: "boolean" } },
  });
  if (!isEnvSet("ATLAS_MODELS_DIR")) process.env.ATLAS_MODELS_DIR = path.resolve(import.meta.dirname, "../tests/fixtures/models");
  if (values.child) {
    const [kind, format, data, expected] = positionals;
    await planOne(kind as FullSizeBenchmark, format as FullSizeFormat, data, Number(expected));
    return;
  }
  const formats = (values.formats ?? "jsonl,csv,parquet").split(",") as FullSizeFormat[];
  for (const f of formats) if (!FORMATS.includes(f)) throw new Error(`unknown format ${f}: ${FORMATS.join(", ")}`);
  const lines: string[] = [];
  for (const kind of ["globalmmlu", "mmluprox"] as const) {
    const size = {
      languages: values.languages ? Number(values.languages) : FULL_SIZE[kind].languages,
      questions: values.questions ? Number(values.questions) : FULL_SIZE[kind].questions,
    };
    for (const format of formats) {
      const t = performance.now();
      const data = fullSizeDataset(kind, { ...size, format });
      log(`${kind} ${format}: dataset ready in ${((performance.now() - t) / 1000).toFixed(1)} s (${data})`);
      const out = await runChild([kind, format, data, String(size.languages * size.questions)]);
      lines.push(...out.split("\n").filter((l) => l.startsWith("{")));
    }
  }
  for (const l of lines) console.log(l);
}

await main();
