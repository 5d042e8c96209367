/**
 * The significance bootstrap (lib/calibration/paired-basic) on the compute threads (pool.ts): same inputs, same seed,
 * same numbers as in-process, but the web server's event loop stays free while the resamples run.
 */
import type { BootstrapOptions, CalibrationInput, PairedDifference } from "../calibration";
import type { BasicPairedMetric } from "../calibration/paired-basic";
import { computePool } from "./pool";

/** The shared compute pool (kept under this name for its existing callers). */
export const bootstrapPool = computePool;

/** pairedBootstrapBasic (ECE with equal-width bins, accuracy, entropy) on the compute threads. */
export function pairedBootstrapBasicOffThread(
  a: CalibrationInput,
  b: CalibrationInput,
  options: BootstrapOptions,
): Promise<Partial<Record<BasicPairedMetric, PairedDifference>>> {
  return computePool().run({ kind: "paired-basic", a, b, options });
}
