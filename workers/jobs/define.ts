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
}

export interface JobDefinition<S extends z.ZodType> {
  id: string;
  payload: S;
  queue: { retryLimit: number; retryDelay: number; retryBackoff?: boolean; expireInSeconds: number };
  handler: () => Promise<{ default: (payload: z.infer<S>, ctx: JobContext) => Promise<void> }>;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}
