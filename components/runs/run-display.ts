/**
 * What the runs table prints about a run beyond its stored fields. Pure.
 */

/** Questions per second since the run started: the mean rate, not a split's latest instantaneous reading (whose
 * first value, over a batch or two, can be hundreds of times the steady rate). Null before a rate means anything. */
export function meanRate(done: number, elapsedSeconds: number | null): number | null {
  if (elapsedSeconds === null || elapsedSeconds < 1 || done <= 0) return null;
  return done / elapsedSeconds;
}

/**
 * A note when the scoring method and the stored options seem to disagree: Plaut et al. files are always
 * renormalised over the options by their format, whatever the import's `renormalize` option (which applies to
 * score files) says.
 */
export function methodNote(scoringMethod: string, config: Record<string, unknown>): string | null {
  if (scoringMethod.includes("renormalised") && config.renormalize === false)
    return "renormalised over the options by the file format (the renormalize option applies to score files only)";
  return null;
}
