/**
 * A job definition: id (= queue name), zod payload, queue policy and a lazily imported handler,
 * so enqueuing from the web app or CLI never loads onnxruntime.
 */
import type { z } from "zod";

export interface JobContext {
  /** pg-boss job id. */
  jobId: string;
  databaseUrl: string;
  /** Called with human-readable progress (the worker renders a bar). */
  progress(p: { label: string; done: number; total: number; perSecond: number | null }): void;
  log(message: string): void;
  /** True on the last attempt pg-boss will make (no retry follows a failure). */
  finalAttempt: boolean;
}

export interface JobDefinition<S extends z.ZodType> {
  id: string;
  payload: S;
  queue: { retryLimit: number; retryDelay: number; retryBackoff?: boolean; expireInSeconds: number };
  /** Handlers of this kind one worker runs at once (default ATLAS_WORKER_CONCURRENCY, else 1). */
  concurrency?: () => number;
  handler: () => Promise<{ default: (payload: z.infer<S>, ctx: JobContext) => Promise<void> }>;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}
