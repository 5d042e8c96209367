/**
 * pairedBootstrap (lib/calibration) on the compute threads (pool.ts): same inputs, same seed, same numbers
 * as in-process, but the web server's event loop stays free while the resamples run.
 */
import type {
  Binning,
  BootstrapOptions,
  CalibrationInput,
  MetricName,
  PairedDifference,
} from "../calibration";
import { computePool } from "./pool";

/** The shared compute pool (kept under this name for its existing callers). */
export const bootstrapPool = computePool;

export function pairedBootstrapOffThread(
  a: CalibrationInput,
  b: CalibrationInput,
  options: BootstrapOptions & { binning?: Binning },
): Promise<Partial<Record<MetricName, PairedDifference>>> {
  return computePool().run({ kind: "bootstrap", a, b, options });
}
