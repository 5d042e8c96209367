/**
 * The gold option of a question. Top-label-only imports store no gold, but a prediction marked correct reveals
 * it: the option that prediction chose. Shown as "inferred" (naming the model), never as stored. Pure.
 */
export interface GoldInfo {
  gold: number | null;
  /** The model whose correct answer reveals the gold option (null when the gold is stored or unknown). */
  inferredFrom: string | null;
}

export function goldOf(stored: number | null, predictions: { model: string; predicted: number; correct: boolean }[]): GoldInfo {
  if (stored !== null) return { gold: stored, inferredFrom: null };
  const right = predictions.filter((p) => p.correct);
  // Correct predictions that disagree would mean inconsistent data: then nothing is inferred.
  if (!right.length || right.some((p) => p.predicted !== right[0].predicted)) return { gold: null, inferredFrom: null };
  return { gold: right[0].predicted, inferredFrom: right[0].model };
}
