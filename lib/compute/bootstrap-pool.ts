/**
 * pairedBootstrap (lib/calibration) on the compute threads (thread-pool.ts): same inputs, same seed, same numbers
 * as in-process, but the web server's event loop stays free while the resamples run.
 */
import path from "node:path";
import type {
  Binning,
  BootstrapOptions,
  CalibrationInput,
  MetricName,
  PairedDifference,
} from "../calibration";
import { computeQueue, computeThreads, ThreadPool } from "./thread-pool";

let pool: ThreadPool | null = null;

/**
 * The thread's file is found from the working directory (the project root for every entry point), not through
 * import.meta.url: the web server's bundle does not contain it.
 */
export function bootstrapPool(): ThreadPool {
  pool ??= new ThreadPool(
    path.resolve(process.env.ATLAS_ROOT ?? process.cwd(), "lib/compute/bootstrap-thread.mjs"),
    computeThreads(),
    computeQueue(),
  );
  return pool;
}

export function pairedBootstrapOffThread(
  a: CalibrationInput,
  b: CalibrationInput,
  options: BootstrapOptions & { binning?: Binning },
): Promise<Partial<Record<MetricName, PairedDifference>>> {
  return bootstrapPool().run({ a, b, options });
}
