/**
 * The recalibration what-if (lib/db/queries/recalibration-compute.ts) on the shared compute threads (pool.ts).
 * The thread opens its own connection to `url` and reads the predictions itself: the 588k-row read (row
 * parsing is CPU work too) and the fits both stay off the caller's event loop, and only the result —
 * per-language ECE and bins, a few kilobytes — is copied back. Throws PoolBusy when the queue is full.
 */
import type { RecalibrationMethod } from "../calibration/recalibrate/index";
import type { RecalibrationView } from "../db/queries/recalibration-compute";
import { computePool } from "./pool";

export function recalibrateOffThread(url: string, runId: number, method: RecalibrationMethod): Promise<RecalibrationView> {
  return computePool().run({ kind: "recalibration", url, runId, method });
}
