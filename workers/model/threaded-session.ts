/**
 * An onnxruntime session that lives in its own thread (session-thread.mjs), behind the slice of the
 * InferenceSession interface this project uses: input/output names and metadata, run, release.
 *
 * onnxruntime-node runs a pass synchronously on the thread that calls it; with the session in a thread, the main
 * thread keeps working during passes (the evaluation job prepares the next question meanwhile). Inputs are copied
 * to the thread unless the caller hands them over (`transferInputs`: their buffers are detached); outputs come back
 * without a copy. `busyMs` adds up the time the thread spent inside `session.run` — onnxruntime's own time, which
 * bench:worker reports against wall time.
 */
import { Worker } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import type { SessionLike } from "./session";

interface Wire {
  type: ort.Tensor.Type;
  dims: readonly number[];
  data: ort.Tensor.DataType;
}

interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  io?: { inputNames: string[]; outputNames: string[]; inputMetadata: unknown[]; outputMetadata: unknown[] };
  outputs?: Record<string, Wire>;
  ms?: number;
}

export async function createThreadedSession(modelPath: string, options: ort.InferenceSession.SessionOptions): Promise<SessionLike> {
  const worker = new Worker(new URL("./session-thread.mjs", import.meta.url));
  // An idle session must not keep the process alive (the CLI and tests exit when their work is done).
  worker.unref();
  let next = 0;
  const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let dead: Error | null = null;
  const fail = (e: Error) => {
    dead = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on("message", (r: Reply) => {
    const w = waiting.get(r.id);
    if (!w) return;
    waiting.delete(r.id);
    if (waiting.size === 0) worker.unref();
    if (r.ok) w.resolve(r);
    else w.reject(new Error(r.error));
  });
  worker.on("error", (e) => fail(e instanceof Error ? e : new Error(String(e))));
  worker.on("exit", (code) => fail(new Error(`onnxruntime session thread exited (code ${code})`)));
  const call = (msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> => {
    if (dead) return Promise.reject(dead);
    const id = next++;
    return new Promise<Reply>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.ref(); // a pending answer keeps the process alive
      worker.postMessage({ ...msg, id }, transfer);
    });
  };

  let io: NonNullable<Reply["io"]>;
  try {
    io = (await call({ op: "create", modelPath, options })).io!;
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  let busyMs = 0;
  return {
    overlaps: true,
    inputNames: io.inputNames,
    outputNames: io.outputNames,
    inputMetadata: io.inputMetadata as ort.InferenceSession["inputMetadata"],
    get busyMs() {
      return busyMs;
    },
    async run(feeds, fetches, opts = {}) {
      const wire: Record<string, Wire> = {};
      const transfer = new Set<ArrayBuffer>();
      for (const [name, t] of Object.entries(feeds)) {
        wire[name] = { type: t.type, dims: t.dims, data: t.data };
        const buffer = (t.data as ArrayBufferView).buffer as ArrayBuffer;
        // Zero-length arrays (an empty KV cache) may share one buffer; there is nothing to gain by moving them.
        if (opts.transferInputs && (t.data as ArrayBufferView).byteLength > 0) transfer.add(buffer);
      }
      const r = await call({ op: "run", feeds: wire, fetches: fetches ?? io.outputNames }, [...transfer]);
      busyMs += r.ms ?? 0;
      const out: Record<string, ort.Tensor> = {};
      for (const [name, w] of Object.entries(r.outputs ?? {})) out[name] = new ort.Tensor(w.type, w.data as never, w.dims);
      return out;
    },
    async release() {
      if (!dead) await call({ op: "release" }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
