/**
 * The slice of an onnxruntime session the worker uses. Two implementations: a session in its own thread
 * (threaded-session.ts; with CUDA) and a plain onnxruntime session on the calling thread (`inThread`; with the CPU
 * provider, see provider.ts sessionInOwnThread). `busyMs` of an in-thread session adds up the spans of its run
 * calls, which is onnxruntime's time only when calls do not overlap — the job keeps one in flight for such sessions.
 */
import type * as ort from "onnxruntime-node";

export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: ort.InferenceSession["inputMetadata"];
  /** Milliseconds spent inside onnxruntime's run so far, when the implementation measures it. */
  readonly busyMs?: number;
  /** Passes run off the calling thread: the caller's work can overlap them (worth keeping a pass queued). */
  readonly overlaps?: boolean;
  /** `transferInputs`: the feeds' buffers may be handed over (detached) instead of copied; the caller drops them. */
  run(feeds: Record<string, ort.Tensor>, fetches?: readonly string[], opts?: { transferInputs?: boolean }): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

/** A plain onnxruntime session behind SessionLike (its passes block the calling thread). */
export function inThread(session: ort.InferenceSession): SessionLike {
  let busyMs = 0;
  return {
    overlaps: false,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
    get busyMs() {
      return busyMs;
    },
    async run(feeds, fetches) {
      const t = performance.now();
      try {
        return (await (fetches ? session.run(feeds, [...fetches]) : session.run(feeds))) as Record<string, ort.Tensor>;
      } finally {
        busyMs += performance.now() - t;
      }
    },
    release: () => session.release(),
  };
}
