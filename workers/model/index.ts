/** Model loading for the worker: Hugging Face ONNX export folders through onnxruntime-node. */
export { loadModel, type LoadModelOptions, type LoadedModel } from "./load";
export type { ModelConfig } from "./config";
export type { CacheOnlyOptions, ForwardBatch, ForwardFn, ForwardOptions, ForwardResult } from "./forward";
export { emptyKvCache, expandKvCache, KvBufferPool, type KvCache } from "./kv-cache";
export type { SessionIo } from "./io";
export { modelsDirFromEnv, resolveModelFolder } from "./paths";
export {
  createSessionWithProvider,
  providerOptionsFromEnv,
  defaultRuntime,
  type ExecutionProviderName,
  type ExecutionProviderRequest,
  type ProviderOptions,
  type ProviderRuntime,
} from "./provider";
export type { Tokenizer } from "./tokenizer";
export { chatTemplateFromConfig, type ChatMessage, type ChatTemplate } from "./chat-template";
