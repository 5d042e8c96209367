/**
 * Top-label (confidence) calibration errors from bin sums, and the reliability-diagram bins.
 * All three errors use whichever binning produced the sums (equal-width or equal-mass); empty bins
 * contribute nothing.
 */
import type { BinSums } from "./binning";
import { wilsonInterval } from "./wilson";

export interface BinnedErrors {
  /** ECE = Σ_m (n_m/N)·|acc_m − conf_m|. */
  ece: number;
  /** RMS = sqrt(Σ_m (n_m/N)·(acc_m − conf_m)²). */
  rms: number;
  /** MCE = max over non-empty bins of |acc_m − conf_m|. */
  mce: number;
}

export function binnedErrors(s: BinSums): BinnedErrors {
  let ece = 0;
  let ms = 0;
  let mce = 0;
  for (let b = 0; b < s.m; b++) {
    const n = s.count[b];
    if (n === 0) continue;
    const gap = Math.abs(s.sumOutcome[b] / n - s.sumValue[b] / n);
    ece += (n / s.total) * gap;
    ms += (n / s.total) * gap * gap;
    if (gap > mce) mce = gap;
  }
  return { ece, rms: Math.sqrt(ms), mce };
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Share correct in the bin; null for an empty bin. */
  accuracy: number | null;
  /** Mean confidence in the bin; null for an empty bin. */
  confidence: number | null;
  /** Wilson 95% interval of the accuracy; null for an empty bin. */
  accLo: number | null;
  accHi: number | null;
}

export function reliabilityBins(s: BinSums): ReliabilityBin[] {
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < s.m; b++) {
    const n = s.count[b];
    const ci = wilsonInterval(s.sumOutcome[b], n);
    out.push({
      lower: s.lower[b],
      upper: s.upper[b],
      count: n,
      accuracy: n > 0 ? s.sumOutcome[b] / n : null,
      confidence: n > 0 ? s.sumValue[b] / n : null,
      accLo: ci ? ci[0] : null,
      accHi: ci ? ci[1] : null,
    });
  }
  return out;
}
