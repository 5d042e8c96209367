/**
 * Precomputed statistics: recomputeRunStats rebuilds a run's RunLanguageStats rows — one per
 * (language, binning) — from its predictions, so that no view ever scans predictions.
 *
 * Runs inside the caller's transaction (no BEGIN/COMMIT here): DELETE the run's rows (for the chosen
 * languages) and INSERT the new ones. Predictions are read with one binary COPY per language of the run (ordered by
 * question id; the Question index finds the language's questions, the Prediction key their predictions) and
 * parsed straight from the stream into typed arrays — no per-row JS objects, no decimal text. Each language's
 * statistics are computed when its COPY ends and its rows are then dropped, so memory holds one language of one
 * run, whatever the size of the database; metrics come from
 * lib/calibration (both binnings, default 15 bins) with seeded bootstrap 95% intervals (default 200
 * resamples; seed "<runId>/<languageCode>", so a recompute reproduces the same intervals).
 *
 * Gold labels: a language whose questions all have a gold index (and whose run is not topLabelOnly)
 * is labelled: everything is computed from probs and gold (Prediction.predicted/confidence/correct are
 * not trusted over them). Otherwise it is top-label: correctness is Prediction.correct, confidence is
 * max p (Prediction.confidence when no probabilities are stored) and sce/ace/brier/nll are NULL.
 */
import pg from "pg";
import { type CalibrationInput, checkProbRow, DEFAULT_BINS, DEFAULT_RESAMPLES, type ProbRows } from "../calibration/index";
import type { ThreadPool } from "../compute/thread-pool";
import { AtlasError, badInput } from "../errors";
import { copyOutBinary, type BinaryTuple } from "./copy-binary";
import { grown } from "../typed-grow";
import { storeRunPairs } from "./paired-stats";
import { recomputeSliceStats } from "./slice-stats";
import {
  computeLanguageStats,
  type LanguageStatsPartResult,
  type LanguageStatsTask,
  mergeStatsParts,
  partsPerLanguage,
  statsParts,
  type StatsRow,
} from "./stats-compute";

export interface RecomputeOptions {
  /** Bin count of every binned metric (default 15). */
  bins?: number;
  /** Bootstrap resamples for the 95% intervals (default 200; 0 = no intervals). */
  bootstrap?: number;
  /** Only these languages (their rows are replaced; other languages' rows are left alone). */
  languages?: string[];
  /** Called after each language's statistics, with its prediction count (progress of a long recompute). */
  onLanguage?: (language: string, predictions: number) => void;
  /**
   * Compute threads (lib/compute, task kinds "stats" and "stats-part"): each language's statistics are computed on
   * threads while the next language is read, at most pool.size + 1 languages in memory; a language's resamples are
   * split over several threads when there are too few languages to keep them evenly busy (partsPerLanguage). Without
   * a pool, in-process one at a time. The numbers are the same either way (same code, same seeded draws).
   */
  pool?: ThreadPool;
  /**
   * Store the paired bootstrap of the smoothing pairs this run is in (default true). A recompute of every run passes
   * false and stores each pair once at the end, from its reference run (`calib recompute`): otherwise every pair is
   * computed twice, and the first copy is already older than its partner's new statistics (the route ignores it).
   */
  pairs?: boolean;
  /**
   * Every prediction of the run, per language, already in memory in the form readPredictions returns (an import's
   * new run: lib/import/write/run-rows.ts): nothing is read back, and a language absent here has no predictions.
   */
  inMemory?: RowsInMemory;
}

/**
 * A run's predictions held in memory, handed over one language at a time (each asked for once, in turn): the
 * language's rows are built when taken, while the compute threads work on the languages before it.
 */
export interface RowsInMemory {
  take(language: string): LanguageRows | null;
}

/** Per-language accumulation of a run's predictions. */
export class LanguageRows {
  probs = new Float64Array(4096);
  offsets = new Int32Array(1025);
  gold = new Int32Array(1024);
  correct = new Uint8Array(1024);
  confidence = new Float64Array(1024);
  used = 0;
  n = 0;
  maxK = 0;
  missingGold = false;
  missingProbs = false;

  /** Appends a row whose k probabilities were just written at probs[used..] (see reserve). */
  add(questionId: number, k: number, gold: number | null, correct: boolean, confidence: number, runId: number): void {
    if (k < 2) this.missingProbs = true;
    else {
      const problem = checkProbRow(this.probs, this.used, k);
      if (problem) throw badInput(`run ${runId}, question ${questionId}: stored probabilities invalid: ${problem}`, { field: "Prediction.probs" });
      if (gold !== null && (gold < 0 || gold >= k))
        throw badInput(`run ${runId}, question ${questionId}: gold index ${gold} outside the ${k} options`, { field: "Question.gold" });
    }
    const n = this.n;
    if (n === this.gold.length) {
      this.gold = grown(this.gold, n + 1);
      this.offsets = grown(this.offsets, this.gold.length + 1);
      this.correct = grown(this.correct, n + 1);
      this.confidence = grown(this.confidence, n + 1);
    }
    this.used += k;
    this.offsets[n + 1] = this.used;
    if (k > this.maxK) this.maxK = k;
    if (gold === null) this.missingGold = true;
    this.gold[n] = gold ?? -1;
    this.correct[n] = correct ? 1 : 0;
    this.confidence[n] = confidence;
    this.n = n + 1;
  }

  reserve(k: number): void {
    this.probs = grown(this.probs, this.used + k);
  }

  toInput(topLabelOnly: boolean): CalibrationInput {
    const n = this.n;
    const rows: ProbRows | null = this.missingProbs
      ? null
      : { n, offsets: this.offsets.slice(0, n + 1), probs: this.probs.slice(0, this.used), maxK: this.maxK };
    if (!topLabelOnly && !this.missingGold && rows) return { kind: "labelled", ...rows, labels: this.gold.slice(0, n) };
    let confidence: Float64Array;
    if (rows) {
      confidence = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let m = 0;
        for (let j = rows.offsets[i]; j < rows.offsets[i + 1]; j++) if (rows.probs[j] > m) m = rows.probs[j];
        confidence[i] = m;
      }
    } else confidence = this.confidence.slice(0, n);
    return { kind: "top-label", n, confidence, correct: this.correct.slice(0, n), rows };
  }
}

/** The distinct buffers behind an input's typed arrays (its postMessage transfer list). */
function inputBuffers(input: CalibrationInput): ArrayBuffer[] {
  const arrays = input.kind === "labelled" ? [input.offsets, input.probs, input.labels] : [input.confidence, input.correct, input.rows?.offsets, input.rows?.probs];
  return [...new Set(arrays.flatMap((a) => (a && a.buffer instanceof ArrayBuffer ? [a.buffer] : [])))];
}

/** Rebuilds RunLanguageStats for `runId` inside the caller's transaction. */
export async function recomputeRunStats(client: pg.ClientBase, runId: number, opts: RecomputeOptions = {}): Promise<void> {
  const bins = opts.bins ?? DEFAULT_BINS;
  const resamples = opts.bootstrap ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(bins) || bins < 1 || bins > 100000) throw badInput(`bins must be an integer from 1 to 100000, got ${bins}`, { field: "bins" });
  if (!Number.isInteger(resamples) || resamples < 0) throw badInput(`bootstrap must be a non-negative integer, got ${resamples}`, { field: "bootstrap" });

  const run = await client.query<{ topLabelOnly: boolean; benchmarkId: number }>(`SELECT "topLabelOnly", "benchmarkId" FROM "Run" WHERE "id" = $1`, [runId]);
  if (run.rowCount === 0) throw new AtlasError("NOT_FOUND", `no run ${runId}`, { field: "runId" });
  const { topLabelOnly, benchmarkId } = run.rows[0];
  const languages = opts.languages ?? null;
  // Every language of the benchmark (a language without predictions in this run gets no rows, as before), with its
  // question-id span and whether it has sliced questions: one pass over the benchmark's questions instead of one
  // for the languages, one per language for its span and one for the slices.
  languages?.forEach(checkLanguageCode);
  const spans = await languageSpans(client, benchmarkId, languages);
  const todo = languages ?? [...spans.keys()];

  const stats: { lang: string; rows: StatsRow[] }[] = [];
  const pool = opts.pool;
  // With a pool: languages in flight on the threads, in language order, each as `parts` tasks (its resamples split,
  // when the languages alone would leave threads idle or uneven), at most pool.size + 1 languages in memory. A
  // failure anywhere fails the whole call (the caller's transaction rolls back) once every task in flight has settled.
  const parts = pool ? partsPerLanguage(todo.length, pool.size) : 1;
  const inFlight: Promise<void>[] = [];
  let oldest = 0;
  const compute = async (lang: string, task: LanguageStatsTask): Promise<void> => {
    let rows: StatsRow[];
    if (!pool) rows = computeLanguageStats(task);
    // One task per language: its arrays (built fresh by toInput, used here no more) move to the thread instead of
    // being copied; split over parts, every part needs them, so they are copied.
    else if (parts === 1) rows = await pool.run<StatsRow[]>({ kind: "stats", task }, inputBuffers(task.input));
    else {
      const results = statsParts(task, parts).map((part) => pool.run<LanguageStatsPartResult>({ kind: "stats-part", part }));
      rows = mergeStatsParts(task, await Promise.all(results));
    }
    stats.push({ lang, rows });
    opts.onLanguage?.(lang, task.input.n);
  };
  try {
    for (const language of [...todo].sort()) {
      const rows = opts.inMemory
        ? opts.inMemory.take(language)
        : await readPredictions(client, runId, benchmarkId, language, spans.get(language) ?? NO_QUESTIONS);
      if (!rows) continue;
      const task = { input: rows.toInput(topLabelOnly), bins, resamples, seed: `${runId}/${language}` };
      if (!pool) await compute(language, task);
      else {
        const done = compute(language, task);
        done.catch(() => {}); // observed below (allSettled); this only keeps it from counting as unhandled meanwhile
        inFlight.push(done);
        // Read the next language only while at most pool.size tasks are in flight (pool.size + parts once dispatched).
        while ((inFlight.length - oldest) * parts > pool.size) await inFlight[oldest++];
      }
    }
  } catch (e) {
    await Promise.allSettled(inFlight); // no rejection left unobserved; the first error is the one reported
    throw e;
  }
  const failed = (await Promise.allSettled(inFlight)).find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  stats.sort((a, b) => (a.lang < b.lang ? -1 : a.lang > b.lang ? 1 : 0));

  if (languages) await client.query(`DELETE FROM "RunLanguageStats" WHERE "runId" = $1 AND "languageCode" = ANY($2::text[])`, [runId, languages]);
  else await client.query(`DELETE FROM "RunLanguageStats" WHERE "runId" = $1`, [runId]);
  if (stats.length > 0) await insertStats(client, runId, stats);
  // The same statistics per CS / CA / subject-category slice (RunSliceStats; nothing when no question has them),
  // without bootstrap intervals (their cost: lib/db/slice-stats.ts).
  const sliced = todo.filter((l) => spans.get(l)?.sliced).sort();
  await recomputeSliceStats(client, runId, { bins, languages: languages ?? undefined, sliced });
  // The per-language paired bootstrap of the smoothing pairs this run is in (lib/db/paired-stats.ts).
  if (opts.pairs ?? true) await storeRunPairs(client, runId, { languages, pool });
}

/**
 * Streams the run's predictions of one language with COPY … TO STDOUT (FORMAT binary) and parses the tuples as
 * they arrive: questionId int4, probs float8[], gold int4 (nullable), correct bool, confidence float8. Rows come in
 * question-id order, so the language's rows (and hence its equal-mass ties and
 * bootstrap draws) are in a reproducible order. Null when the run has no prediction in that language.
 */
async function readPredictions(
  client: pg.ClientBase,
  runId: number,
  benchmarkId: number,
  language: string,
  known?: { lo: number | null; hi: number | null },
): Promise<LanguageRows | null> {
  // COPY takes no bind parameters: the ids are checked integers, and the language code is checked against the
  // code pattern and then written as a literal by pg's own escapeLiteral (not by doubling quotes here).
  for (const id of [runId, benchmarkId])
    if (!Number.isSafeInteger(id)) throw badInput(`run and benchmark ids must be integers, got ${id}`, { field: "runId" });
  checkLanguageCode(language);
  // The language's question ids span [lo, hi] (contiguous when its questions were stored together, as imports and
  // plans do): the Prediction key is read as that one range. Without the range, a hash join (nested loops are off,
  // below) scans every prediction of the table for each language — 8.7 s per language on the 28M grid instead
  // of 0.2 s.
  const { lo, hi } =
    known ??
    (
      await client.query<{ lo: number | null; hi: number | null }>(
        `SELECT min("id") AS lo, max("id") AS hi FROM "Question" WHERE "benchmarkId" = $1 AND "languageCode" = $2`,
        [benchmarkId, language],
      )
    ).rows[0];
  if (lo === null || hi === null) return null;
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) throw new AtlasError("INTERNAL", `question id range ${lo}…${hi} is not integral`);
  const sql = `COPY (
      SELECT p."questionId", p."probs", q."gold", p."correct", p."confidence"
        FROM "Question" q JOIN "Prediction" p ON p."runId" = ${runId} AND p."questionId" = q."id"
       WHERE q."benchmarkId" = ${benchmarkId} AND q."languageCode" = ${pg.escapeLiteral(language)}
         AND p."questionId" BETWEEN ${lo} AND ${hi}
       ORDER BY p."questionId"
    ) TO STDOUT (FORMAT binary)`;
  const parser = new CopyParser(runId);
  // An import computes its statistics inside its own transaction, before autovacuum can have analysed the rows it
  // just wrote: the planner then estimates one prediction and one question and joins them in a nested loop with a
  // join filter — quadratic, minutes for a 1M-prediction language. This read is always bulk: a hash or merge join is
  // right at every size, so nested loops are off for this one statement.
  // (After a failed read inside a transaction the RESET cannot run, and the rollback undoes the SET anyway.)
  await client.query("SET enable_nestloop = off");
  let failed = false;
  try {
    await copyOutBinary(client, sql, (t) => parser.tuple(t));
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await client.query("RESET enable_nestloop").catch((e: unknown) => {
      if (!failed) throw e;
    });
  }
  return parser.rows;
}

/** The span of a language the benchmark has no question in. */
const NO_QUESTIONS = { lo: null, hi: null };

interface LanguageSpan {
  lo: number;
  hi: number;
  /** Some question of the language has a subject category or cultural label (RunSliceStats). */
  sliced: boolean;
}

/** The benchmark's languages (only `languages` when given) with their question-id spans, in one query. */
async function languageSpans(client: pg.ClientBase, benchmarkId: number, languages: string[] | null): Promise<Map<string, LanguageSpan>> {
  const r = await client.query<{ code: string } & LanguageSpan>(
    `SELECT "languageCode" AS code, min("id") AS lo, max("id") AS hi,
            bool_or("subjectCategory" IS NOT NULL OR "culturalLabel" IS NOT NULL) AS sliced
       FROM "Question" WHERE "benchmarkId" = $1 AND ($2::text[] IS NULL OR "languageCode" = ANY($2::text[]))
      GROUP BY 1`,
    [benchmarkId, languages],
  );
  return new Map(r.rows.map(({ code, ...span }) => [code, span]));
}

/** Language codes as stored (lib/languages.ts codes, and tags such as pt-BR from dataset names). */
const LANGUAGE_CODE_PATTERN = /^[a-z]{2,3}(?:[-_][a-z0-9]{2,8}){0,3}$/i;

function checkLanguageCode(language: string): void {
  if (!LANGUAGE_CODE_PATTERN.test(language)) throw badInput(`"${language}" is not a language code`, { field: "languages" });
}

/** The five columns above, decoded by lib/db/copy-binary.ts's reader, accumulated into the language's rows. */
class CopyParser {
  /** The language's rows; null until the first row. */
  rows: LanguageRows | null = null;

  constructor(private readonly runId: number) {}

  tuple(t: BinaryTuple): void {
    const questionId = t.int4(0);
    const gold = t.isNull(2) ? null : t.int4(2);
    const correct = t.bool(3);
    const confidence = t.float8(4);
    const acc = (this.rows ??= new LanguageRows());
    const where = `run ${this.runId}, question ${questionId}`;
    const ndim = t.arrayDims(1);
    let k = 0;
    if (ndim !== 0) {
      if (ndim !== 1) throw badInput(`${where}: probs must be a one-dimensional array`, { field: "Prediction.probs" });
      if (t.arrayHasNull(1)) throw badInput(`${where}: probs contains NULL`, { field: "Prediction.probs" });
      acc.reserve(t.arrayLength(1));
      k = t.float8Elements(1, acc.probs, acc.used);
    }
    acc.add(questionId, k, gold, correct, confidence, this.runId);
  }
}

const COLUMNS = [
  "runId", "languageCode", "binning", "bins", "n", "accuracy", "confidence", "overconfidence", "entropyBits",
  "ece", "rms", "mce", "smece", "sce", "ace", "brier", "nll", "intervals", "reliability", "smoothCurve",
] as const;

async function insertStats(client: pg.ClientBase, runId: number, stats: { lang: string; rows: StatsRow[] }[]): Promise<void> {
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const { lang, rows } of stats) {
    for (const { binning, metrics: m, intervals } of rows) {
      const base = values.length;
      values.push(
        runId, lang, binning, m.binCount, m.n, m.accuracy, m.confidence, m.overconfidence,
        // entropy is unknown only for top-label runs stored without probabilities; the column is NOT NULL
        m.entropyBits ?? Number.NaN,
        m.ece, m.rms, m.mce, m.smece, m.sce, m.ace, m.brier, m.nll,
        JSON.stringify(intervals), JSON.stringify(m.reliability), JSON.stringify(m.smoothCurve),
      );
      tuples.push(`(${COLUMNS.map((c, i) => `$${base + i + 1}${c === "intervals" || c === "reliability" || c === "smoothCurve" ? "::jsonb" : ""}`).join(", ")})`);
    }
  }
  await client.query(`INSERT INTO "RunLanguageStats" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`, values);
}

/**
 * The calibration input of one run × language read exactly as recomputeRunStats reads it (same rows, same
 * question-id order, same labelled / top-label choice), so that pooled metrics over several languages agree with
 * the stored per-language ones. Null when the run has no prediction in that language.
 */
export async function runLanguageInput(client: pg.ClientBase, runId: number, language: string): Promise<CalibrationInput | null> {
  const run = await client.query<{ topLabelOnly: boolean; benchmarkId: number }>(`SELECT "topLabelOnly", "benchmarkId" FROM "Run" WHERE "id" = $1`, [runId]);
  if (run.rowCount === 0) throw new AtlasError("NOT_FOUND", `no run ${runId}`, { field: "runId" });
  const rows = await readPredictions(client, runId, run.rows[0].benchmarkId, language);
  return rows ? rows.toInput(run.rows[0].topLabelOnly) : null;
}
