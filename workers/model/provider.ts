/**
 * Execution provider choice for onnxruntime-node: CUDA when it works, CPU otherwise, said in one log line.
 *
 * onnxruntime-node 1.30 is built with the CUDA provider, but its libraries (libonnxruntime_providers_cuda.so
 * and friends) are downloaded by the package's install script, which this repository skips (.npmrc); they also
 * need the CUDA 12 and cuDNN 9 runtimes. So "CUDA listed by listSupportedBackends()" does not mean usable: the
 * only reliable test is creating the session with it. Before trying, the provider library's presence is checked
 * so a CPU-only machine gets a clear reason instead of onnxruntime's own error spew on stderr.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { AtlasError } from "../../lib/errors";
import { inThread, type SessionLike } from "./session";
import { createThreadedSession } from "./threaded-session";
import { isEnvSet, readEnv } from "../../lib/env";

export type ExecutionProviderName = "cpu" | "cuda";
export type ExecutionProviderRequest = "auto" | ExecutionProviderName;

export interface ProviderOptions {
  /** auto (default, or ATLAS_EP): CUDA if it works, else CPU. cpu/cuda force one; forced cuda fails loudly. */
  ep?: ExecutionProviderRequest;
  /** CUDA device ordinal (ATLAS_CUDA_DEVICE, default 0). */
  cudaDevice?: number;
  /** Intra-op threads for the CPU provider (ATLAS_ORT_THREADS; default: onnxruntime's, all cores). */
  threads?: number;
  /** Receives the one line that says which provider was chosen and why. Default: console.error. */
  log?: (line: string) => void;
}

/** What the choice depends on, injectable so the tests can play a machine with or without CUDA. */
export interface ProviderRuntime {
  listSupportedBackends: () => ReadonlyArray<{ name: string }>;
  /** Path of the CUDA provider library onnxruntime would load, or null on platforms without one. */
  cudaProviderLibrary: () => string | null;
  createSession: (modelPath: string, options: ort.InferenceSession.SessionOptions) => Promise<SessionLike>;
}

export const defaultRuntime: ProviderRuntime = {
  listSupportedBackends: () => (typeof ort.listSupportedBackends === "function" ? ort.listSupportedBackends() : [{ name: "cpu" }]),
  cudaProviderLibrary: () => {
    const file = { linux: "libonnxruntime_providers_cuda.so", win32: "onnxruntime_providers_cuda.dll" }[process.platform as string];
    if (!file) return null;
    const pkg = path.dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
    return path.join(pkg, "bin", "napi-v6", process.platform, process.arch, file);
  },
  createSession: async (modelPath, options) =>
    sessionInOwnThread(options)
      ? createThreadedSession(modelPath, options)
      : inThread(await ort.InferenceSession.create(modelPath, options)),
};

/**
 * Whether the session gets its own thread (threaded-session.ts), so that the evaluation job's own work overlaps the
 * forward passes: with CUDA, where the CPU is free during a pass; not with the CPU provider, whose passes already
 * keep every core busy — there, overlapping measured ~10 % fewer questions/s on a 2-core machine (README.md,
 * "Worker speed"). ATLAS_ORT_THREAD=1 or 0 forces the choice (e.g. 1 on a many-core CPU machine).
 */
export function sessionInOwnThread(options: ort.InferenceSession.SessionOptions, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const forced = readEnv("ATLAS_ORT_THREAD", env);
  if (forced !== undefined) return forced;
  return (options.executionProviders ?? []).some((ep) => (typeof ep === "string" ? ep : ep.name) === "cuda");
}

export interface CreatedSession {
  session: SessionLike;
  provider: ExecutionProviderName;
}

export function providerOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): ProviderOptions {
  return {
    ep: isEnvSet("ATLAS_EP", env) ? readEnv("ATLAS_EP", env) : undefined,
    cudaDevice: readEnv("ATLAS_CUDA_DEVICE", env),
    threads: readEnv("ATLAS_ORT_THREADS", env),
  };
}

/** Why CUDA cannot even be tried here, or null when it is worth trying. */
function cudaUnavailableReason(rt: ProviderRuntime): string | null {
  if (!rt.listSupportedBackends().some((b) => b.name === "cuda")) return "this onnxruntime-node build has no CUDA provider";
  const lib = rt.cudaProviderLibrary();
  if (lib === null) return `no CUDA provider on ${process.platform}`;
  if (!existsSync(lib)) return `provider library not installed: ${lib} is missing, see README.md ("Worker: models, scoring and datasets")`;
  return null;
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split("\n")[0].trim();

export async function createSessionWithProvider(
  modelPath: string,
  opts: ProviderOptions = {},
  rt: ProviderRuntime = defaultRuntime,
): Promise<CreatedSession> {
  const env = providerOptionsFromEnv();
  const ep = opts.ep ?? env.ep ?? "auto";
  const device = opts.cudaDevice ?? env.cudaDevice ?? 0;
  const threads = opts.threads ?? env.threads;
  const log = opts.log ?? ((line: string) => console.error(line));
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: "all",
    ...(threads ? { intraOpNumThreads: threads } : {}),
  };
  const cpu = async (line: string): Promise<CreatedSession> => {
    const session = await rt.createSession(modelPath, { ...base, executionProviders: ["cpu"] });
    log(line);
    return { session, provider: "cpu" };
  };

  if (ep === "cpu") return cpu("onnxruntime: using CPU execution provider (ATLAS_EP=cpu)");

  let reason = cudaUnavailableReason(rt);
  if (reason === null) {
    try {
      const session = await rt.createSession(modelPath, { ...base, executionProviders: [{ name: "cuda", deviceId: device }] });
      log(`onnxruntime: using CUDA execution provider (device ${device})`);
      return { session, provider: "cuda" };
    } catch (e) {
      reason = firstLine(e);
    }
  }
  if (ep === "cuda") {
    throw new AtlasError("INTERNAL", `onnxruntime: CUDA execution provider requested (ATLAS_EP=cuda) but not available (${reason})`);
  }
  return cpu(`onnxruntime: CUDA execution provider not available (${reason}); using CPU`);
}
