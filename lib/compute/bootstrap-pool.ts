/**
 * The significance bootstrap (lib/calibration/paired-basic) on the compute threads (pool.ts): same inputs, same seed,
 * same numbers as in-process, but the web server's event loop stays free while the resamples run.
 */
import type { BootstrapOptions, CalibrationInput, PairedDifference } from "../calibration";
import type { BasicPairedMetric, PairText } from "../calibration/paired-basic";
import { computePool } from "./pool";

/** The shared compute pool (kept under this name for its existing callers). */
export const bootstrapPool = computePool;

/** The two runs (a − b is reported): built sets, or labelled rows as text that the thread parses (pairFromText). */
export type PairedInput = { a: CalibrationInput; b: CalibrationInput } | { text: PairText };

/** pairedBootstrapBasic (ECE with equal-width bins, accuracy, entropy) on the compute threads. */
export function pairedBootstrapBasicOffThread(
  input: PairedInput,
  options: BootstrapOptions,
): Promise<Partial<Record<BasicPairedMetric, PairedDifference>>> {
  return computePool().run({ kind: "paired-basic", ...input, options });
}
