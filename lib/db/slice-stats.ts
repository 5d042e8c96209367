/**
 * Per-slice statistics (issue 14 part 1; docs/analysis.md "Slices"): RunSliceStats rows — one per (language,
 * slice, binning) — for every CS / CA / subject-category slice of a run's questions, so that the sliced views read
 * stored rows like the unsliced ones (no prediction is read by a view).
 *
 * Each slice's metrics are computed from its own predictions with the same library calls and input rules as
 * RunLanguageStats (lib/db/stats.ts LanguageRows: labelled when every question has a gold index, else top-label),
 * never by subtracting aggregates. Bootstrap intervals (seed "<runId>/<language>/<slice>") only when asked for
 * (`bootstrap` > 0; recomputeRunStats does not) and only for slices a view draws (n ≥ MIN_SLICE_N): each resample
 * has a fixed cost (the smECE search) that ~8 slices per language multiply — bench:slices measured the statistics
 * step at 5.4× the unsliced one with 200 resamples per slice, 1.24× without (docs/analysis.md "Slices").
 *
 * Reading: the language's sliced questions (id, gold, category, cultural label; the Question unique index), then
 * their predictions by primary key in chunks of question ids — no join for the planner to misjudge right after an
 * import, memory bounded by one language's sliced rows. A run whose questions carry no slice attributes costs one
 * index scan per language and writes nothing.
 */
import type pg from "pg";
import {
  BINNINGS,
  bootstrapWithEngine,
  type CalibrationMetrics,
  DEFAULT_BINS,
  type MetricIntervals,
  MetricEngine,
  metricsFromEngine,
} from "../calibration/index";
import { AtlasError } from "../errors";
import { MIN_SLICE_N, questionSliceKeys } from "../slices/slice";
import { LanguageRows } from "./stats";

export interface SliceStatsOptions {
  bins?: number;
  /** Bootstrap resamples per drawn slice (default 0: no intervals; see above). */
  bootstrap?: number;
  /** Only these languages (their rows are replaced; others are left alone). */
  languages?: string[];
  /** The languages with sliced questions, when the caller already knows them (recomputeRunStats): no query. */
  sliced?: string[];
}

/** Question ids per prediction read: a bounded `= ANY($2)` list on the Prediction primary key. */
const CHUNK = 20000;

interface SliceRow {
  lang: string;
  slice: string;
  binning: string;
  metrics: CalibrationMetrics;
  intervals: MetricIntervals;
}

/** Rebuilds RunSliceStats for `runId` inside the caller's transaction. */
export async function recomputeSliceStats(client: pg.ClientBase, runId: number, opts: SliceStatsOptions = {}): Promise<void> {
  const bins = opts.bins ?? DEFAULT_BINS;
  const resamples = opts.bootstrap ?? 0;
  const run = await client.query<{ topLabelOnly: boolean; benchmarkId: number }>(`SELECT "topLabelOnly", "benchmarkId" FROM "Run" WHERE "id" = $1`, [runId]);
  if (run.rowCount === 0) throw new AtlasError("NOT_FOUND", `no run ${runId}`, { field: "runId" });
  const { topLabelOnly, benchmarkId } = run.rows[0];

  const out: SliceRow[] = [];
  const languages = opts.sliced ?? (await slicedLanguages(client, benchmarkId, opts.languages ?? null));
  for (const lang of languages) {
    const groups = await readSliceRows(client, runId, benchmarkId, lang);
    for (const [slice, rows] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const input = rows.toInput(topLabelOnly);
      const engine = new MetricEngine(input, bins);
      const metrics = metricsFromEngine(engine, BINNINGS);
      const intervals =
        resamples > 0 && input.n >= MIN_SLICE_N ? bootstrapWithEngine(engine, { resamples, seed: `${runId}/${lang}/${slice}`, binnings: BINNINGS }) : {};
      for (const b of BINNINGS) out.push({ lang, slice, binning: b, metrics: metrics[b] as CalibrationMetrics, intervals: intervals[b] ?? {} });
    }
  }

  if (opts.languages) await client.query(`DELETE FROM "RunSliceStats" WHERE "runId" = $1 AND "languageCode" = ANY($2::text[])`, [runId, opts.languages]);
  else await client.query(`DELETE FROM "RunSliceStats" WHERE "runId" = $1`, [runId]);
  if (out.length > 0) await insertSliceStats(client, runId, out);
}

/** Languages of the benchmark with at least one question that has a slice attribute. */
async function slicedLanguages(client: pg.ClientBase, benchmarkId: number, only: string[] | null): Promise<string[]> {
  const r = await client.query<{ code: string }>(
    `SELECT DISTINCT "languageCode" AS code FROM "Question"
      WHERE "benchmarkId" = $1 AND ("subjectCategory" IS NOT NULL OR "culturalLabel" IS NOT NULL)
        AND ($2::text[] IS NULL OR "languageCode" = ANY($2::text[]))
      ORDER BY 1`,
    [benchmarkId, only],
  );
  return r.rows.map((x) => x.code);
}

/** The run's predictions on the language's sliced questions, grouped by slice key (question-id order). */
async function readSliceRows(client: pg.ClientBase, runId: number, benchmarkId: number, lang: string): Promise<Map<string, LanguageRows>> {
  const qs = await client.query<{ id: number; gold: number | null; subjectCategory: string | null; culturalLabel: "CS" | "CA" | null }>(
    `SELECT "id", "gold", "subjectCategory", "culturalLabel" FROM "Question"
      WHERE "benchmarkId" = $1 AND "languageCode" = $2 AND ("subjectCategory" IS NOT NULL OR "culturalLabel" IS NOT NULL)
      ORDER BY "id"`,
    [benchmarkId, lang],
  );
  const question = new Map(qs.rows.map((q) => [q.id, q]));
  const groups = new Map<string, LanguageRows>();
  const ids = qs.rows.map((q) => q.id);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const preds = await client.query<{ questionId: number; probs: number[]; correct: boolean; confidence: number }>(
      `SELECT "questionId", "probs", "correct", "confidence" FROM "Prediction"
        WHERE "runId" = $1 AND "questionId" = ANY($2::int[]) ORDER BY "questionId"`,
      [runId, ids.slice(i, i + CHUNK)],
    );
    for (const p of preds.rows) {
      const q = question.get(p.questionId)!;
      for (const key of questionSliceKeys(q)) {
        let rows = groups.get(key);
        if (!rows) groups.set(key, (rows = new LanguageRows()));
        const k = p.probs.length;
        rows.reserve(k);
        rows.probs.set(p.probs, rows.used);
        rows.add(p.questionId, k, q.gold, p.correct, p.confidence, runId);
      }
    }
  }
  return groups;
}

async function insertSliceStats(client: pg.ClientBase, runId: number, rows: SliceRow[]): Promise<void> {
  // One jsonb parameter holding every row: the column list lives in the SELECT below only. NaN (entropy of a top-label
  // run stored without probabilities; the column is NOT NULL, as in RunLanguageStats) travels as the text "NaN".
  const num = (v: number | null | undefined) => (v === null || v === undefined ? null : Number.isNaN(v) ? "NaN" : v);
  const payload = rows.map(({ lang, slice, binning, metrics: m, intervals }) => ({
    lang, slice, binning, bins: m.binCount, n: m.n, accuracy: num(m.accuracy), confidence: num(m.confidence),
    overconfidence: num(m.overconfidence), entropy: num(m.entropyBits ?? Number.NaN), ece: num(m.ece), rms: num(m.rms),
    mce: num(m.mce), smece: num(m.smece), sce: num(m.sce), ace: num(m.ace), brier: num(m.brier), nll: num(m.nll),
    intervals, reliability: m.reliability, smoothCurve: m.smoothCurve,
  }));
  await client.query(
    `INSERT INTO "RunSliceStats" ("runId", "languageCode", "slice", "binning", "bins", "n", "accuracy", "confidence",
       "overconfidence", "entropyBits", "ece", "rms", "mce", "smece", "sce", "ace", "brier", "nll", "intervals", "reliability", "smoothCurve")
     SELECT $1, x->>'lang', x->>'slice', x->>'binning', (x->>'bins')::int, (x->>'n')::int, (x->>'accuracy')::float8,
            (x->>'confidence')::float8, (x->>'overconfidence')::float8, (x->>'entropy')::float8, (x->>'ece')::float8,
            (x->>'rms')::float8, (x->>'mce')::float8, (x->>'smece')::float8, (x->>'sce')::float8, (x->>'ace')::float8,
            (x->>'brier')::float8, (x->>'nll')::float8, x->'intervals', x->'reliability', x->'smoothCurve'
       FROM jsonb_array_elements($2::jsonb) AS x`,
    [runId, JSON.stringify(payload)],
  );
}
