import { z } from "zod";
import { IMPORT_QUEUE, importConcurrency, importJobPayload, importQueuePolicy } from "../../lib/import/upload/api-job";
import { defineJob } from "./define";
import { readEnv } from "../../lib/env";

/** Score one language split of one run (model × benchmark × method × prompt × shots) in batches. */
export const evaluateSplit = defineJob({
  id: "evaluate-split",
  payload: z.object({
    runId: z.number().int().positive(),
    language: z.string().min(2),
    batchSize: z.number().int().min(1).max(1024),
  }),
  // A crashed worker's job comes back after expireInSeconds; the handler resumes after the last
  // stored prediction, so retries are safe. Override with ATLAS_JOB_EXPIRE_S (tests use a few seconds).
  // A job still running at expiry is failed and retried too; the two writers cannot duplicate rows
  // (ON CONFLICT on run + question), so expiry only bounds how long a dead worker's split waits.
  queue: { retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: readEnv("ATLAS_JOB_EXPIRE_S") },
  handler: () => import("./evaluate-split"),
});

/** Run an upload of POST /api/imports (lib/import/upload/api-job.ts): the web server only enqueues it. */
export const importUpload = defineJob({
  id: IMPORT_QUEUE,
  payload: importJobPayload,
  queue: importQueuePolicy(),
  concurrency: () => importConcurrency(),
  handler: () => import("./import-upload"),
});

export const JOBS = { [evaluateSplit.id]: evaluateSplit, [importUpload.id]: importUpload } as const;
