/** An evaluation request (CLI flags, API body) — validated by one zod schema. */
import { z } from "zod";

export const evaluationRequestSchema = z.object({
  /** Registered model name (Model.name with an ONNX folder: `calib register-model`). */
  model: z.string().min(1),
  benchmark: z.string().min(1),
  /** Dataset file or folder (GlobalMMLU or MMLU-ProX layout; Parquet, JSONL or CSV). */
  data: z.string().min(1),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).default([]),
  method: z.enum(["letter", "continuation"]).default("letter"),
  normalization: z.enum(["per-token", "sum"]).default("per-token"),
  shots: z.number().int().min(0).max(10).default(0),
  batchSize: z.number().int().min(1).max(256).default(8),
  /** Score only the first N test questions of each split (demo, smoke tests). */
  limit: z.number().int().positive().optional(),
});

export type EvaluationRequest = z.infer<typeof evaluationRequestSchema>;

/** The prompt template id stored on the run (workers/scoring/prompt.ts defines the texts). */
export function promptId(req: Pick<EvaluationRequest, "method" | "normalization">): string {
  return req.method === "letter" ? "mmlu-letter" : `continuation-${req.normalization}`;
}
