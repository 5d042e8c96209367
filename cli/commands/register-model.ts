/**
 * `calib register-model NAME --onnx DIR [--family F] [--base NAME] [--sft DATASET] [--beta 0.1]`
 * Registers (or updates the ONNX folder of) a model. The folder must lie under ATLAS_MODELS_DIR
 * (default `models/`) and is checked by loading it (config, tokenizer, ONNX session).
 */
import { parseArgs } from "node:util";
import { badInput } from "../../lib/errors";
import { endPools, inTransaction, poolFor } from "../../lib/db/pool";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { ensureModel } from "../../lib/import/write/catalog";
import { cliArgs } from "../args";

export const summary = "register a model and its ONNX export folder (under ATLAS_MODELS_DIR) for evaluation";

export async function registerModel(
  pool: import("pg").Pool,
  spec: { name: string; onnx: string; family?: string; base?: string; sft?: string; beta?: number },
  log: (m: string) => void = console.error,
): Promise<number> {
  const { loadModel, modelsDirFromEnv } = await import("../../workers/model");
  const model = await loadModel(spec.onnx, { log });
  const relative = model.folder.slice(modelsDirFromEnv().length).replace(/^\/+/, "") || ".";
  log(`${spec.name}: ${model.config.modelType}, ${model.hasPast ? "with" : "without"} KV cache, provider ${model.provider}`);
  await model.dispose();
  return inTransaction(pool, async (client) => {
    const id = await ensureModel(client, { name: spec.name, family: spec.family, base: spec.base, sft: spec.sft, beta: spec.beta });
    await client.query(`UPDATE "Model" SET "onnxPath" = $2 WHERE "id" = $1`, [id, relative]);
    return id;
  });
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = cliArgs(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: { onnx: { type: "string" }, family: { type: "string" }, base: { type: "string" }, sft: { type: "string" }, beta: { type: "string" } },
    }),
  );
  const name = positionals[0];
  if (!name) throw badInput("usage: calib register-model NAME --onnx DIR [--family F] [--base NAME] [--sft DATASET] [--beta B]");
  if (!values.onnx) throw badInput("--onnx DIR is required (a folder under ATLAS_MODELS_DIR)", { field: "--onnx" });
  const beta = values.beta === undefined ? undefined : Number(values.beta);
  if (beta !== undefined && !(beta >= 0 && beta < 1)) throw badInput(`invalid β "${values.beta}"`, { field: "--beta" });
  if ((values.sft === undefined) !== (beta === undefined) || (values.sft !== undefined && !values.base)) {
    throw badInput("a tuned model needs --base, --sft and --beta together", { field: values.base ? "--sft" : "--base" });
  }
  const pool = poolFor(await resolveDatabaseUrl());
  try {
    const id = await registerModel(pool, { name, onnx: values.onnx, family: values.family, base: values.base, sft: values.sft, beta });
    console.log(`model ${name} registered (id ${id})`);
  } finally {
    await endPools();
  }
  return 0;
}
