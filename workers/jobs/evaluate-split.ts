/**
 * Scores one language split of a run. Claim-then-run and safe to retry: it skips questions that
 * already have a prediction for the run (so a crashed worker's retry resumes where it stopped),
 * writes each batch in one transaction together with its progress, checks for cancellation between
 * batches, and at the end computes the split's stats with lib/calibration (recomputeRunStats).
 */
import type pg from "pg";
import { loadDataset, selectShots, type DatasetQuestion } from "../../lib/datasets";
import { inTransaction, poolFor } from "../../lib/db/pool";
import { recomputeRunStats } from "../../lib/db/stats";
import { withStatsPool } from "../../lib/compute/stats-pool";
import { ingestPredictions, type PredictionRow } from "../../lib/import/write/ingest-predictions";
import { scoreContinuation, scoreLetter, type OptionScores, type ScoringItem } from "../scoring";
import type { JobContext } from "./define";
import { modelFor } from "../evaluation/model-cache";
import { formatForRun, type RunChat } from "../evaluation/chat";
import { questionKey } from "../evaluation/questions";
import { mapInOrder } from "./map-in-order";
import { claimSplit, startHeartbeat } from "./split-liveness";
import { readEnv } from "../../lib/env";

/** Continuation questions scored at once with a session in its own thread (see map-in-order.ts): two keep it busy. */
const CONTINUATION_IN_FLIGHT = 2;

interface RunRow {
  id: number;
  status: string;
  scoringMethod: "letter" | "continuation";
  shots: number;
  benchmarkId: number;
  config: { data: string; normalization: "per-token" | "sum"; limit: number | null; onnxPath: string; chat?: RunChat; maxLength?: number };
  split_status: string | null;
}

export interface SplitTimings {
  scoringMs: number;
  writeMs: number;
  otherMs: number;
  questions: number;
  tokens: number;
}

const FLUSH_ROWS = 256;

/** Exposed for the benchmark: where the wall time of the last split went. */
export let lastTimings: SplitTimings | null = null;

/** Characters of a question and its options: a cheap stand-in for its prompt length when ordering the work. */
const textLength = (q: DatasetQuestion) => q.question.length + q.options.reduce((n, o) => n + o.length, 0);

/** Run.config.truncatedPrompts[language] += n, in the transaction that writes those predictions (so a retry recounts nothing). */
async function addTruncatedPrompts(client: pg.PoolClient, runId: number, language: string, n: number): Promise<void> {
  await client.query(
    `UPDATE "Run" SET "config" = "config" || jsonb_build_object('truncatedPrompts',
       coalesce("config"->'truncatedPrompts', '{}'::jsonb) || jsonb_build_object($2::text, coalesce(("config"->'truncatedPrompts'->>$2)::int, 0) + $3))
     WHERE "id" = $1`,
    [runId, language, n],
  );
}

async function loadRun(pool: pg.Pool, runId: number, language: string): Promise<RunRow | null> {
  const r = await pool.query<RunRow>(
    `SELECT r."id", r."status"::text AS status, r."scoringMethod", r."shots", r."benchmarkId", r."config",
            s."status"::text AS split_status
     FROM "Run" r LEFT JOIN "RunSplit" s ON s."runId" = r."id" AND s."languageCode" = $2 WHERE r."id" = $1`,
    [runId, language],
  );
  return r.rows[0] ?? null;
}

export default async function evaluateSplitJob(
  { runId, language, batchSize }: { runId: number; language: string; batchSize: number },
  ctx: JobContext,
): Promise<void> {
  const t0 = performance.now();
  const pool = poolFor(ctx.databaseUrl);
  const run = await loadRun(pool, runId, language);
  // Deleted, cancelled or already finished: nothing to do (a retry of a completed job is a no-op).
  if (
    !run ||
    run.split_status === null ||
    ["cancelled", "completed"].includes(run.split_status) ||
    run.status === "cancelled"
  )
    return;

  // Claim, only if the split is still to be done: a cancel between loadRun and here wins (split-liveness.ts).
  if (!(await claimSplit(pool, runId, language, ctx.jobId))) {
    ctx.log(`run ${runId} ${language}: not claimed (cancelled, finished or taken by a live worker)`);
    return;
  }
  await pool.query(
    `UPDATE "Run" SET "status" = 'running', "startedAt" = COALESCE("startedAt", now()) WHERE "id" = $1 AND "status" IN ('queued', 'failed')`,
    [runId],
  );

  // The group of predictions being written while scoring goes on (see waitForWrite below), and the batch being
  // scored ahead of the one in hand: both are waited for before the job ends, whichever way it ends.
  let writing: Promise<boolean> | null = null;
  let ahead: Promise<unknown> | null = null;
  // Stopped in the finally below, whichever way the job ends (a beat left running would keep the split "alive").
  const heartbeat = startHeartbeat(pool, runId, language, ctx.jobId);
  try {
    const dataset = await loadDataset(run.config.data, { language });
    const tests = dataset.questions.filter((q) => q.split === "test" && q.language === language);
    const dev = dataset.questions.filter((q) => q.split === "dev" && q.language === language);
    const selected = run.config.limit ? tests.slice(0, run.config.limit) : tests;

    const known = await pool.query<{ id: number; externalId: string; predicted: boolean }>(
      `SELECT q."id", q."externalId", EXISTS (SELECT 1 FROM "Prediction" p WHERE p."runId" = $1 AND p."questionId" = q."id") AS predicted
       FROM "Question" q WHERE q."benchmarkId" = $2 AND q."languageCode" = $3 AND q."externalId" = ANY($4)`,
      [runId, run.benchmarkId, language, selected.map((q) => q.externalId)],
    );
    const byKey = new Map(known.rows.map((r) => [questionKey(language, r.externalId), r]));
    const todo: { q: DatasetQuestion; id: number }[] = [];
    let done = 0;
    for (const q of selected) {
      const row = byKey.get(questionKey(language, q.externalId));
      if (!row)
        throw new Error(`question ${q.externalId} (${language}) is not stored: plan the evaluation again`);
      if (row.predicted) done++;
      else todo.push({ q, id: row.id });
    }
    // Longest questions first: a batch then holds similar lengths, which scoreLetter's length buckets keep padding-bound.
    todo.sort((a, b) => textLength(b.q) - textLength(a.q));
    const total = selected.length;
    await pool.query(
      `UPDATE "RunSplit" SET "done" = $3, "total" = $4 WHERE "runId" = $1 AND "languageCode" = $2`,
      [runId, language, done, total],
    );
    if (done > 0 && todo.length > 0)
      ctx.log(`run ${runId} ${language}: resuming after ${done} stored predictions`);

    const model = await modelFor(run.config.onnxPath, ctx.log);
    const format = formatForRun(model, run.config.chat);
    const timings: SplitTimings = { scoringMs: 0, writeMs: 0, otherMs: 0, questions: 0, tokens: 0 };
    const started = performance.now();
    let doneHere = 0;
    // Predictions are written in groups (every FLUSH_ROWS rows or FLUSH_MS, whichever comes first), each group
    // in one transaction with its progress: a small model batch must not pay a transaction per batch, and a
    // crash loses at most one group, which the retry scores again.
    let pending: PredictionRow[] = [];
    let pendingTruncated = 0; // prompts of `pending` cut to fit --max-length (counted into Run.config.truncatedPrompts)
    // Read per split (not at module load), like every ATLAS_* setting.
    const THROTTLE_MS = readEnv("ATLAS_WORKER_THROTTLE_MS") ?? 0;
    const FLUSH_MS = readEnv("ATLAS_WORKER_FLUSH_MS");
    let lastFlush = performance.now();
    const flush = async (): Promise<boolean> => {
      const rows = pending;
      const truncated = pendingTruncated;
      pending = [];
      pendingTruncated = 0;
      const elapsed = (performance.now() - started) / 1000;
      const rate = doneHere / Math.max(elapsed, 1e-9);
      const scored = done; // read now: scoring goes on while this group is written
      const cancelled = await inTransaction(pool, async (client) => {
        const status = await client.query<{ status: string }>(
          `SELECT "status"::text AS status, "jobId" FROM "RunSplit" WHERE "runId" = $1 AND "languageCode" = $2 FOR UPDATE`,
          [runId, language],
        );
        // Cancelled, or queued again and taken by another worker after this one stalled: stop, write nothing.
        const row = status.rows[0] as { status: string; jobId: string | null } | undefined;
        if (!row || row.status === "cancelled" || row.jobId !== ctx.jobId) return true;
        const { inserted } = await ingestPredictions(client, runId, rows);
        await client.query(
          `UPDATE "RunSplit" SET "done" = "done" + $3, "questionsPerS" = $4, "etaSeconds" = $5, "updatedAt" = now()
           WHERE "runId" = $1 AND "languageCode" = $2`,
          [runId, language, inserted, rate, (total - scored) / rate],
        );
        await client.query(`UPDATE "Run" SET "progressDone" = "progressDone" + $2 WHERE "id" = $1`, [
          runId,
          inserted,
        ]);
        if (truncated > 0) await addTruncatedPrompts(client, runId, language, truncated);
        return false;
      });
      ctx.progress({ label: `run ${runId} ${language}`, done: scored, total, perSecond: rate });
      return cancelled;
    };
    // A group is written while the next batches are scored; the write is awaited before the next one starts
    // (so groups land in order, and a cancellation is seen one group later at most). writeMs counts only the
    // time scoring waits for a write.
    const waitForWrite = async (): Promise<boolean> => {
      if (!writing) return false;
      const tw = performance.now();
      const w = writing;
      writing = null;
      const cancelled = await w;
      timings.writeMs += performance.now() - tw;
      return cancelled;
    };
    const startWrite = () => {
      lastFlush = performance.now();
      writing = flush();
      writing.catch(() => undefined); // awaited (and rethrown) by waitForWrite; not an unhandled rejection meanwhile
    };
    const itemsOf = (batch: { q: DatasetQuestion }[]): ScoringItem[] =>
      batch.map(({ q }) => ({
        question: { subject: q.subject, question: q.question, options: q.options, gold: q.gold },
        shots:
          run.shots > 0
            ? selectShots(dev, q, run.shots).map((s) => ({
                subject: s.subject,
                question: s.question,
                options: s.options,
                gold: s.gold,
              }))
            : [],
      }));
    // With a session in its own thread (CUDA), this thread prepares work while passes run: continuation questions
    // two at a time, and one batch ahead. With an in-thread session (CPU) passes block this thread anyway, so one
    // thing at a time.
    const overlap = model.session.overlaps === true;
    const score = (items: ScoringItem[]): Promise<OptionScores[]> =>
      run.scoringMethod === "letter"
        ? scoreLetter(model, items, { batchSize, format, maxLength: run.config.maxLength })
        : mapInOrder(items, overlap ? CONTINUATION_IN_FLIGHT : 1, (item) =>
            scoreContinuation(model, item, { normalization: run.config.normalization, format, maxLength: run.config.maxLength }),
          );
    // (The no-op catch only keeps a batch scored ahead from counting as unhandled; it is awaited below.)
    const start = (from: number) => {
      const t = performance.now();
      const batch = todo.slice(from, from + batchSize);
      const scoring = score(itemsOf(batch));
      scoring.catch(() => undefined);
      timings.scoringMs += performance.now() - t; // the synchronous part: prompts, tokenisation, packing
      return { batch, scoring };
    };
    let current = todo.length > 0 ? start(0) : null;
    for (let i = 0; i < todo.length; i += batchSize) {
      const { batch, scoring } = current ?? start(i);
      current = overlap && i + batchSize < todo.length ? start(i + batchSize) : null;
      ahead = current?.scoring ?? null;
      const ts = performance.now();
      const scores = await scoring;
      timings.scoringMs += performance.now() - ts;
      timings.tokens += scores.reduce(
        (s, x) => s + x.promptTokens + x.tokenCounts.reduce((a, b) => a + b, 0),
        0,
      );
      pendingTruncated += scores.filter((s) => s.truncatedTokens > 0).length;
      scores.forEach((s, k) =>
        pending.push({
          questionId: batch[k].id,
          probs: s.probs,
          logLikelihoods: s.logProbs,
          predicted: s.predicted,
          confidence: s.confidence,
          correct: s.predicted === batch[k].q.gold,
        }),
      );
      doneHere += batch.length;
      done += batch.length;
      timings.questions += batch.length;
      const last = i + batchSize >= todo.length;
      // The demo throttles the fixture model so a newcomer can watch progress: then every batch is written at once.
      if (
        last ||
        THROTTLE_MS > 0 ||
        pending.length >= FLUSH_ROWS ||
        performance.now() - lastFlush >= FLUSH_MS
      ) {
        let cancelled = await waitForWrite();
        if (!cancelled) {
          startWrite();
          // The last group, and every group of the throttled demo, is written before going on.
          if (last || THROTTLE_MS > 0) cancelled = await waitForWrite();
        }
        if (cancelled) {
          await (ahead as Promise<unknown> | null)?.catch(() => undefined);
          ctx.log(
            `run ${runId} ${language}: stopped, cancelled or taken over (${done} of ${total} scored; the unwritten ones are dropped)`,
          );
          return;
        }
      }
      if (THROTTLE_MS > 0) await new Promise((r) => setTimeout(r, THROTTLE_MS));
    }

    // Finish: stats for this language, split completed, run completed when no split is left.
    await inTransaction(pool, async (client) => {
      // The split's one language, its resamples spread over compute threads when it is large (lib/compute/stats-pool.ts).
      await withStatsPool(total, (pool) => recomputeRunStats(client, runId, { languages: [language], pool }));
      await client.query(
        `UPDATE "RunSplit" SET "status" = 'completed', "done" = "total", "etaSeconds" = 0, "updatedAt" = now()
         WHERE "runId" = $1 AND "languageCode" = $2 AND "status" = 'running' AND "jobId" = $3`,
        [runId, language, ctx.jobId],
      );
      await client.query(
        `UPDATE "Run" SET "status" = 'completed', "finishedAt" = now()
         WHERE "id" = $1 AND "status" = 'running'
           AND NOT EXISTS (SELECT 1 FROM "RunSplit" WHERE "runId" = $1 AND "status" <> 'completed')`,
        [runId],
      );
    });
    timings.otherMs = performance.now() - t0 - timings.scoringMs - timings.writeMs;
    lastTimings = timings;
  } catch (e) {
    // A write still in flight finishes (or fails) first, so nothing lands after the failure is recorded.
    await (writing as Promise<boolean> | null)?.catch(() => undefined);
    await (ahead as Promise<unknown> | null)?.catch(() => undefined);
    // Recorded for the runs page; pg-boss retries the job (and the retry resumes).
    await pool.query(
      `UPDATE "RunSplit" SET "status" = 'failed', "error" = $3, "updatedAt" = now()
       WHERE "runId" = $1 AND "languageCode" = $2 AND "jobId" = $4 AND "status" = 'running'`,
      [runId, language, (e as Error).message, ctx.jobId],
    );
    await pool.query(
      `UPDATE "Run" SET "status" = 'failed', "error" = $2 WHERE "id" = $1 AND "status" = 'running'`,
      [runId, `${language}: ${(e as Error).message}`],
    );
    throw e;
  } finally {
    heartbeat.stop();
  }
}
