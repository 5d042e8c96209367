/**
 * The demo seed (idempotent: running it again changes nothing): the paper's published results,
 * the real per-question outputs of Plaut et al. (2024), and — for the live demo — the fixture ONNX
 * model registered and queued on the fixture GlobalMMLU splits, so a newcomer watches a run progress.
 */
import { cpSync, existsSync } from "node:fs";
import path from "node:path";
import { poolFor } from "../lib/db/pool";
import { importPublishedFile } from "../lib/published/import";
import { importPlautDemo } from "../lib/import/plaut-demo";

const root = process.cwd();

export interface SeedOptions {
  /** Register the fixture model and enqueue its evaluation (the launcher's worker then runs it). */
  evaluate?: boolean;
  log?: (msg: string) => void;
}

export async function seedDemo(url: string, opts: SeedOptions = {}): Promise<void> {
  const log = opts.log ?? console.error;
  const pool = poolFor(url);
  for (const f of ["published-per-language.csv", "published-summary.csv"]) {
    const r = await importPublishedFile(pool, path.join(root, "data/published", f));
    log(`seed: ${f}: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged`);
  }
  const plaut = await importPlautDemo(pool);
  log(`seed: Plaut et al. (2024) ARC-Challenge outputs: ${plaut.map((r) => `run ${r.runId}${r.alreadyImported ? " (already imported)" : ""}`).join(", ")}`);
  if (opts.evaluate) await seedDemoEvaluation(url, log);
}

/** Copies the fixture model into the models directory, registers it and queues it on the fixture splits. */
async function seedDemoEvaluation(url: string, log: (msg: string) => void): Promise<void> {
  const { modelsDirFromEnv } = await import("../workers/model");
  const { registerModel } = await import("./commands/register-model");
  const { planEvaluation } = await import("../workers/evaluation/plan");
  const { evaluationRequestSchema } = await import("../workers/evaluation/request");
  const target = path.join(modelsDirFromEnv(), "demo", "tiny-gpt2");
  if (!existsSync(path.join(target, "onnx", "model.onnx"))) {
    cpSync(path.join(root, "tests/fixtures/models/tiny-gpt2"), target, { recursive: true });
  }
  const pool = poolFor(url);
  await registerModel(pool, { name: "TinyGPT2-demo", onnx: "demo/tiny-gpt2", family: "TinyGPT2-demo" }, () => {});
  const plan = await planEvaluation(
    pool,
    url,
    evaluationRequestSchema.parse({
      model: "TinyGPT2-demo",
      benchmark: "GlobalMMLU",
      data: path.join(root, "tests/fixtures/datasets/globalmmlu/jsonl"),
      method: "letter",
      batchSize: 1,
    }),
  );
  log(`seed: fixture model TinyGPT2-demo queued on ${plan.splits.length} GlobalMMLU fixture splits as run ${plan.runId} (${plan.enqueued} job(s) queued)`);
}
