import { existsSync } from "node:fs";
import path from "node:path";
import type * as ort from "onnxruntime-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSessionWithProvider, defaultRuntime, providerOptionsFromEnv, type ProviderRuntime } from "./provider";
import type { SessionLike } from "./session";

const MODEL = path.resolve(__dirname, "../../tests/fixtures/models/tiny-gpt2-nocache/onnx/model.onnx");
const fakeSession = { release: async () => {} } as unknown as SessionLike;

/** A machine whose CUDA provider library is present; `cuda` decides whether creating a CUDA session works. */
function runtime(cuda: "works" | Error, calls: ort.InferenceSession.SessionOptions[] = []): ProviderRuntime {
  return {
    listSupportedBackends: () => [{ name: "cpu" }, { name: "cuda" }],
    cudaProviderLibrary: () => MODEL, // any existing file: only its presence is checked
    createSession: async (_path, options) => {
      calls.push(options);
      const ep = options.executionProviders?.[0];
      const name = typeof ep === "string" ? ep : ep?.name;
      if (name === "cuda" && cuda !== "works") throw cuda;
      return fakeSession;
    },
  };
}

afterEach(() => vi.unstubAllEnvs());

/** On a GPU machine with the provider installed the "CPU-only machine" cases do not apply. */
const cudaInstalled = existsSync(defaultRuntime.cudaProviderLibrary() ?? "/nonexistent");

describe("execution provider choice", () => {
  it.skipIf(cudaInstalled)("on this CPU-only machine: falls back to CPU with one line naming the missing CUDA library", async () => {
    vi.stubEnv("ATLAS_EP", "");
    const lines: string[] = [];
    const { session, provider } = await createSessionWithProvider(MODEL, { log: (l) => lines.push(l) });
    expect(provider).toBe("cpu");
    expect(session.inputNames).toContain("input_ids");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^onnxruntime: CUDA execution provider not available \(.*libonnxruntime_providers_cuda\.so is missing.*\); using CPU$/);
    await session.release();
  });

  it("falls back to CPU with onnxruntime's error when creating the CUDA session fails", async () => {
    const lines: string[] = [];
    const err = new Error("CUDA failure 100: no CUDA-capable device is detected\n  at somewhere");
    const { provider } = await createSessionWithProvider(MODEL, { ep: "auto", log: (l) => lines.push(l) }, runtime(err));
    expect(provider).toBe("cpu");
    expect(lines).toEqual(["onnxruntime: CUDA execution provider not available (CUDA failure 100: no CUDA-capable device is detected); using CPU"]);
  });

  it("uses CUDA on the configured device when it works (ATLAS_CUDA_DEVICE)", async () => {
    vi.stubEnv("ATLAS_CUDA_DEVICE", "3");
    const lines: string[] = [];
    const calls: ort.InferenceSession.SessionOptions[] = [];
    const { provider } = await createSessionWithProvider(MODEL, { log: (l) => lines.push(l) }, runtime("works", calls));
    expect(provider).toBe("cuda");
    expect(calls[0].executionProviders).toEqual([{ name: "cuda", deviceId: 3 }]);
    expect(lines).toEqual(["onnxruntime: using CUDA execution provider (device 3)"]);
  });

  it("ATLAS_EP=cpu never tries CUDA; ATLAS_EP=cuda fails loudly instead of falling back", async () => {
    vi.stubEnv("ATLAS_EP", "cpu");
    const calls: ort.InferenceSession.SessionOptions[] = [];
    const lines: string[] = [];
    expect((await createSessionWithProvider(MODEL, { log: (l) => lines.push(l) }, runtime("works", calls))).provider).toBe("cpu");
    expect(calls).toHaveLength(1);
    expect(lines).toEqual(["onnxruntime: using CPU execution provider (ATLAS_EP=cpu)"]);

    vi.stubEnv("ATLAS_EP", "cuda");
    await expect(createSessionWithProvider(MODEL, { log: () => {} }, runtime(new Error("no device")))).rejects.toThrow(
      "CUDA execution provider requested (ATLAS_EP=cuda) but not available (no device)",
    );
    if (!cudaInstalled) {
      await expect(createSessionWithProvider(MODEL, { log: () => {} })).rejects.toThrow(/requested .* but not available \(provider library not installed/);
    }
  });

  it("says so when the build has no CUDA provider at all", async () => {
    const lines: string[] = [];
    const rt = { ...defaultRuntime, listSupportedBackends: () => [{ name: "cpu" }] };
    await (await createSessionWithProvider(MODEL, { ep: "auto", log: (l) => lines.push(l) }, rt)).session.release();
    expect(lines).toEqual(["onnxruntime: CUDA execution provider not available (this onnxruntime-node build has no CUDA provider); using CPU"]);
  });

  it("validates the environment", () => {
    expect(() => providerOptionsFromEnv({ ATLAS_EP: "gpu" })).toThrow("ATLAS_EP must be auto, cpu or cuda");
    expect(() => providerOptionsFromEnv({ ATLAS_CUDA_DEVICE: "-1" })).toThrow("ATLAS_CUDA_DEVICE");
    expect(providerOptionsFromEnv({ ATLAS_EP: "CUDA", ATLAS_CUDA_DEVICE: "1", ATLAS_ORT_THREADS: "2" })).toEqual({ ep: "cuda", cudaDevice: 1, threads: 2 });
  });
});
