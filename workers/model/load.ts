/**
 * Loads a Hugging Face ONNX export folder:
 *
 *   config.json, tokenizer.json, tokenizer_config.json (optional), onnx/model.onnx (or model.onnx at the top,
 *   optimum-cli's own output layout), with or without past_key_values inputs.
 *
 * The folder must lie inside the models directory (paths.ts); the execution provider is chosen by provider.ts.
 */
import { badInput } from "../../lib/errors";
import { parseModelConfig, type ModelConfig } from "./config";
import { makeForward, type ForwardFn } from "./forward";
import { describeSessionIo, type SessionIo } from "./io";
import { resolveModelFile, resolveModelFolder, modelsDirFromEnv } from "./paths";
import { createSessionWithProvider, type ExecutionProviderName, type ProviderOptions, type ProviderRuntime } from "./provider";
import { chatTemplateFromConfig, type ChatTemplate } from "./chat-template";
import { loadTokenizerAndConfig, readJson, type Tokenizer } from "./tokenizer";
import type { SessionLike } from "./session";

export interface LoadModelOptions extends ProviderOptions {
  /** Models directory the folder must lie in; default ATLAS_MODELS_DIR or `<repo>/models`. */
  modelsDir?: string;
  /** For tests: a stand-in for onnxruntime's provider discovery and session creation. */
  runtime?: ProviderRuntime;
}

export interface LoadedModel {
  /** Real path of the model folder. */
  folder: string;
  config: ModelConfig;
  tokenizer: Tokenizer;
  /** tokenizer_config.json's chat_template, or null when it has none (base models usually). */
  chatTemplate: ChatTemplate | null;
  session: SessionLike;
  io: SessionIo;
  /** The export takes past_key_values (a KV cache can be reused across passes). */
  hasPast: boolean;
  provider: ExecutionProviderName;
  /** Longest past + new sequence the model accepts (config), or null when unknown. */
  maxLength: number | null;
  /** Id written into padding positions (masked out, so any valid id): pad, else eos, else 0. */
  padTokenId: number;
  forward: ForwardFn;
  dispose(): Promise<void>;
}

const MODEL_FILES = ["onnx/model.onnx", "model.onnx"];

export async function loadModel(folder: string, opts: LoadModelOptions = {}): Promise<LoadedModel> {
  const modelsDir = opts.modelsDir ?? modelsDirFromEnv();
  const real = resolveModelFolder(folder, modelsDir);
  const file = (rel: string) => resolveModelFile(real, rel, modelsDir);

  const configPath = file("config.json");
  if (!configPath) throw badInput("model folder has no config.json", { file: real });
  const config = parseModelConfig(readJson(configPath), configPath);
  const tokenizerPath = file("tokenizer.json");
  if (!tokenizerPath) throw badInput("model folder has no tokenizer.json", { file: real });
  const tokenizerConfigPath = file("tokenizer_config.json");
  const { tokenizer, config: tokenizerConfig } = loadTokenizerAndConfig(tokenizerPath, tokenizerConfigPath);
  const chatTemplate = chatTemplateFromConfig(tokenizerConfig, tokenizerConfigPath ?? tokenizerPath);
  const onnxPath = MODEL_FILES.map(file).find((p): p is string => p !== null);
  if (!onnxPath) throw badInput(`model folder has no ${MODEL_FILES.join(" or ")}`, { file: real });

  const { session, provider } = await createSessionWithProvider(onnxPath, opts, opts.runtime);
  let io: SessionIo;
  try {
    io = describeSessionIo(session, { kvHeads: config.numKvHeads, headDim: config.headDim }, onnxPath);
  } catch (e) {
    await session.release();
    throw e;
  }
  const forward = makeForward(session, io);
  return {
    folder: real,
    config,
    tokenizer,
    chatTemplate,
    session,
    io,
    hasPast: io.layers.length > 0,
    provider,
    maxLength: config.maxPositions,
    padTokenId: config.padTokenId ?? config.eosTokenId ?? 0,
    forward,
    dispose: () => session.release(),
  };
}
