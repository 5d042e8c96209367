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
  /** Context limit in tokens (default: the model's): longer prompts lose their oldest tokens, BOS kept. */
  maxLength: z.number().int().min(2).optional(),
  /** Render prompts through the model folder's chat_template (lm-evaluation-harness --apply_chat_template). */
  applyChatTemplate: z.boolean().default(false),
  /** With a chat template: each few-shot example as its own user/assistant turns (else all in one user turn). */
  fewshotAsMultiturn: z.boolean().default(false),
}).refine((r) => r.applyChatTemplate || !r.fewshotAsMultiturn, {
  message: "fewshotAsMultiturn needs applyChatTemplate",
  path: ["fewshotAsMultiturn"],
});

export type EvaluationRequest = z.infer<typeof evaluationRequestSchema>;

/** Few-shot layout of a chat-template run (workers/scoring/format.ts), or null for the plain prompt. */
export function chatMode(req: Partial<Pick<EvaluationRequest, "applyChatTemplate" | "fewshotAsMultiturn">>): "multiturn" | "single-turn" | null {
  if (!req.applyChatTemplate) return null;
  return req.fewshotAsMultiturn ? "multiturn" : "single-turn";
}

/** The prompt template id stored on the run (workers/scoring/prompt.ts and format.ts define the texts). */
export function promptId(req: Pick<EvaluationRequest, "method" | "normalization"> & Partial<Pick<EvaluationRequest, "applyChatTemplate" | "fewshotAsMultiturn">>): string {
  const base = req.method === "letter" ? "mmlu-letter" : `continuation-${req.normalization}`;
  const mode = chatMode(req);
  return mode ? `${base}+chat-${mode}` : base;
}
