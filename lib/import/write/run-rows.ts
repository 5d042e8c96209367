/**
 * The predictions a direct import writes for its new run, kept per language in the form recomputeRunStats reads
 * back from the database (lib/db/stats.ts LanguageRows: rows in question-id order, the question's stored gold, the
 * same checks), so that the import's statistics start from memory instead of reading back what it has just written.
 * The run is new (the direct path always creates it), so these rows are all of its predictions.
 *
 * Bounded: past MAX_KEPT_PROBABILITIES probabilities the rows are dropped, and the statistics read back as before.
 */
import { LanguageRows, type RowsInMemory } from "../../db/stats";
import type { ImportRecord } from "../read/record";
import type { StoredQuestions } from "./stored-questions";
import { grown } from "../../typed-grow";

/** Probabilities kept at most (8 bytes each, plus ~30 bytes per row): 16M is 128 MB, 4M four-option rows. */
export const MAX_KEPT_PROBABILITIES = 16 * 1024 * 1024;

/** One language's rows in arrival order; `entry` is the question's index in its StoredQuestions. */
class LanguageCollector {
  entry = new Int32Array(1024);
  probStart = new Int32Array(1025);
  correct = new Uint8Array(1024);
  confidence = new Float64Array(1024);
  probs = new Float64Array(4096);
  used = 0;
  n = 0;

  constructor(readonly questions: StoredQuestions) {}

  add(k: number, rec: ImportRecord): void {
    const p = rec.probs;
    const n = this.n;
    this.probs = grown(this.probs, this.used + p.length);
    for (let j = 0; j < p.length; j++) this.probs[this.used + j] = p[j];
    this.used += p.length;
    if (n === this.entry.length) {
      this.entry = grown(this.entry, n + 1);
      this.probStart = grown(this.probStart, this.entry.length + 1);
      this.correct = grown(this.correct, n + 1);
      this.confidence = grown(this.confidence, n + 1);
    }
    this.entry[n] = k;
    this.probStart[n + 1] = this.used;
    this.correct[n] = rec.correct ? 1 : 0;
    this.confidence[n] = rec.confidence;
    this.n = n + 1;
  }

  /** The rows by question id, as readPredictions builds them. */
  rows(runId: number): LanguageRows {
    const q = this.questions;
    const rowOf = new Int32Array(q.size).fill(-1);
    for (let r = 0; r < this.n; r++) rowOf[this.entry[r]] = r;
    const out = new LanguageRows();
    for (const k of entriesById(q)) {
      const r = rowOf[k];
      if (r < 0) continue;
      const from = this.probStart[r];
      const n = this.probStart[r + 1] - from;
      out.reserve(n);
      out.probs.set(this.probs.subarray(from, from + n), out.used);
      out.add(q.ids[k], n, q.golds[k] >= 0 ? q.golds[k] : null, this.correct[r] === 1, this.confidence[r], runId);
    }
    return out;
  }
}

/**
 * The entries of a language's questions in ascending id order: the stored ones come in id order and the new ones in
 * the order their ids were drawn from the sequence, so the two runs are merged; a full sort is the fallback should
 * either run not ascend (ids set by hand behind the sequence).
 */
export function entriesById(q: Pick<StoredQuestions, "ids" | "stored" | "size">): Int32Array {
  const ids = q.ids;
  const out = new Int32Array(q.size);
  let a = 0;
  let b = q.stored;
  for (let i = 0; i < out.length; i++) {
    if (b >= q.size || (a < q.stored && ids[a] < ids[b])) out[i] = a++;
    else out[i] = b++;
  }
  for (let i = 1; i < out.length; i++)
    if (ids[out[i - 1]] >= ids[out[i]]) return Int32Array.from([...out].sort((x, y) => ids[x] - ids[y]));
  return out;
}

export class RunRows {
  private readonly languages = new Map<string, LanguageCollector>();
  private last: LanguageCollector | null = null;
  private kept = 0;
  private dropped = false;

  /** `maxProbabilities`: probabilities (and rows) kept at most. */
  constructor(private readonly maxProbabilities = MAX_KEPT_PROBABILITIES) {}

  /** Keeps the prediction of `rec`, whose question is entry k of `questions` (its language's). */
  add(questions: StoredQuestions, k: number, rec: ImportRecord): void {
    if (this.dropped) return;
    this.kept += rec.probs.length + 1;
    if (this.kept > this.maxProbabilities) {
      this.dropped = true;
      this.languages.clear();
      this.last = null;
      return;
    }
    let c = this.last;
    if (c === null || c.questions !== questions) {
      c = this.languages.get(rec.language) ?? null;
      if (c === null) this.languages.set(rec.language, (c = new LanguageCollector(questions)));
      this.last = c;
    }
    c.add(k, rec);
  }

  /**
   * The run's rows as recomputeRunStats reads them, each language's built when it is taken (in the statistics, beside
   * the threads' work on the languages before it, rather than at the end of the writing); null when they were too many
   * to keep.
   */
  finish(runId: number): RowsInMemory | null {
    if (this.dropped) return null;
    const languages = this.languages;
    return {
      take(language: string): LanguageRows | null {
        const c = languages.get(language);
        if (!c) return null;
        languages.delete(language); // its arrays go as soon as the statistics have them
        return c.rows(runId);
      },
    };
  }
}
