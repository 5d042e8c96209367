/**
 * `npm run bench:plan`: planning whole benchmarks at their published size — GlobalMMLU (42 × 14,042 questions) and
 * MMLU-ProX (29 × 11,829, up to 10 options), generated in the real layouts (testkit/full-size-datasets.ts,
 * cached under .atlas-test/datasets) — into a fresh database: reading every file, storing every question, creating
 * the run and enqueueing one job per language. Then the same request again (the resume path: questions exist).
 * One JSON line per benchmark: {"bench":"plan","benchmark":…,"questions":…,"seconds":…,"replan_seconds":…,
 * "read_seconds":…,"peak_rss_mb":…,"load_avg":…}. Goal: < 30 s each.
 *
 *   npm run bench:plan [-- --questions 14042 --languages 42]   (smaller sizes for a smoke run)
 */
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchDatabase } from "./support/temp-database";
import { loadDataset } from "../lib/datasets";
import { endPools, poolFor } from "../lib/db/pool";
import { registerModel } from "../cli/commands/register-model";
import { planEvaluation } from "../workers/evaluation/plan";
import { evaluationRequestSchema } from "../workers/evaluation/request";
import { stopBosses } from "../workers/queue/boss";
import { FULL_SIZE, fullSizeDataset, type FullSizeBenchmark } from "../testkit/full-size-datasets";
import { isEnvSet } from "../lib/env";

const log = (msg: string) => process.stderr.write(`[bench:plan] ${msg}\n`);
const NAMES: Record<FullSizeBenchmark, string> = { globalmmlu: "GlobalMMLU", mmluprox: "MMLU-ProX" };

async function main() {
  const { values } = parseArgs({ options: { questions: { type: "string" }, languages: { type: "string" } } });
  if (!isEnvSet("ATLAS_MODELS_DIR")) process.env.ATLAS_MODELS_DIR = path.resolve(import.meta.dirname, "../tests/fixtures/models");
  const { url, drop } = await benchDatabase("plan");
  const pool = poolFor(url);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const lines: string[] = [];
  try {
    await registerModel(pool, { name: "tiny-gpt2", onnx: "tiny-gpt2", family: "TinyGPT2" }, () => {});
    for (const kind of ["globalmmlu", "mmluprox"] as const) {
      const size = {
        languages: values.languages ? Number(values.languages) : FULL_SIZE[kind].languages,
        questions: values.questions ? Number(values.questions) : FULL_SIZE[kind].questions,
      };
      let t = performance.now();
      const data = fullSizeDataset(kind, size);
      log(`${kind}: dataset ready in ${((performance.now() - t) / 1000).toFixed(1)} s (${data})`);
      // Reading alone (the part of planning before the database), measured apart.
      t = performance.now();
      const read = (await loadDataset(data)).questions.length;
      const readS = (performance.now() - t) / 1000;
      peak = process.memoryUsage().rss;
      const req = evaluationRequestSchema.parse({ model: "tiny-gpt2", benchmark: NAMES[kind], data, method: "letter" });
      t = performance.now();
      const plan = await planEvaluation(pool, url, req);
      const seconds = (performance.now() - t) / 1000;
      const planPeak = peak;
      t = performance.now();
      const again = await planEvaluation(pool, url, req);
      const replan = (performance.now() - t) / 1000;
      const questions = plan.splits.reduce((s, x) => s + x.total, 0);
      if (questions !== size.languages * size.questions || again.runId !== plan.runId)
        throw new Error(`planned ${questions} questions (expected ${size.languages * size.questions}), replan run ${again.runId} vs ${plan.runId}`);
      log(`${kind}: ${questions} questions read in ${readS.toFixed(1)} s (${read} rows with dev), planned in ${seconds.toFixed(1)} s, re-planned in ${replan.toFixed(1)} s`);
      lines.push(
        JSON.stringify({
          bench: "plan",
          benchmark: NAMES[kind],
          languages: size.languages,
          questions,
          seconds: Number(seconds.toFixed(2)),
          replan_seconds: Number(replan.toFixed(2)),
          read_seconds: Number(readS.toFixed(2)),
          peak_rss_mb: Math.round(planPeak / 1e6),
          load_avg: Number(loadavg()[0].toFixed(2)),
        }),
      );
    }
  } finally {
    clearInterval(sampler);
    await stopBosses();
    await endPools();
    await drop();
  }
  for (const l of lines) console.log(l);
}

await main();
