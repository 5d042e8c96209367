/**
 * Plans an evaluation: reads the dataset, stores its questions, creates the Run with one RunSplit per
 * language, and enqueues one job per unfinished split. Idempotent: the same request (same model,
 * benchmark, method, prompt, shots, data files and limit) finds its run again and only re-enqueues
 * what is not finished, so "evaluate" after a crash simply resumes.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { AtlasError, badInput } from "../../lib/errors";
import { listDatasetFiles } from "../../lib/datasets";
import { inTransaction } from "../../lib/db/pool";
import {
  createBenchmark,
  ensureLanguages,
  findBenchmark,
  KNOWN_OPTION_COUNTS,
} from "../../lib/import/write/catalog";
import { bossFor } from "../queue/boss";
import { notifyJobsQueued } from "../queue/wake";
import { evaluateSplit } from "../jobs/registry";
import { promptId, type EvaluationRequest } from "./request";
import { chatForRequest } from "./chat";
import { plannedLanguages, plannedOptionCount, storePlannedQuestions, type PlanSelection } from "./plan-questions";

export interface PlannedEvaluation {
  runId: number;
  created: boolean;
  splits: { language: string; total: number; status: string }[];
  enqueued: number;
  /** The most dataset questions held in memory at once while planning (one read batch; see plan-questions.ts). */
  maxQuestionsHeld: number;
}

/** The run key's digest of the data: every file's name and bytes, in path order (streamed, one chunk at a time). */
async function fileDigest(files: string[]): Promise<string> {
  const h = createHash("sha256");
  for (const f of [...files].sort()) {
    h.update(path.basename(f)).update("\0");
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
    h.update("\0");
  }
  return h.digest("hex");
}

export async function planEvaluation(
  pool: pg.Pool,
  databaseUrl: string,
  req: EvaluationRequest,
): Promise<PlannedEvaluation> {
  try {
    statSync(req.data);
  } catch {
    throw badInput(`dataset not found: ${req.data}`, { field: "data" });
  }
  // The dataset is streamed, never held (a whole benchmark is ~600k questions): the files and their names say which
  // languages are planned; the questions are read and written inside the transaction (plan-questions.ts).
  const files = listDatasetFiles(req.data);
  const sel: PlanSelection = { languages: new Set(req.languages), limit: req.limit };
  const languages = plannedLanguages(files, sel);
  for (const l of sel.languages)
    if (!languages.includes(l))
      throw badInput(`no test questions for language "${l}" in ${req.data}`, { field: "languages" });
  if (languages.length === 0) throw badInput(`no test questions in ${req.data}`, { field: "data" });
  const digest = await fileDigest(files.map((f) => f.path));

  const planned: PlannedEvaluation = await inTransaction(pool, async (client) => {
    const model = await client.query<{ id: number; onnxPath: string | null }>(
      `SELECT "id", "onnxPath" FROM "Model" WHERE "name" = $1`,
      [req.model],
    );
    if (!model.rows[0])
      throw new AtlasError("NOT_FOUND", `model "${req.model}" is not registered (calib register-model)`, {
        field: "model",
      });
    if (!model.rows[0].onnxPath)
      throw badInput(`model "${req.model}" has no ONNX folder (calib register-model --onnx DIR)`, {
        field: "model",
      });
    const benchmark =
      (await findBenchmark(client, req.benchmark)) ??
      (await createBenchmark(
        client,
        req.benchmark,
        KNOWN_OPTION_COUNTS[req.benchmark] ?? (await plannedOptionCount(files, sel)),
      ));
    const chat = chatForRequest(req, model.rows[0].onnxPath);
    await ensureLanguages(client, languages);
    const stored = await storePlannedQuestions(client, { ...benchmark, name: req.benchmark }, files, sel);
    const { totals } = stored;

    const key = createHash("sha256")
      .update(
        JSON.stringify({
          worker: 1,
          model: model.rows[0].id,
          benchmark: benchmark.id,
          method: req.method,
          normalization: req.normalization,
          shots: req.shots,
          limit: req.limit ?? null,
          languages: [...totals.keys()].sort(),
          data: digest,
          // Only when asked, so the keys of plain-prompt runs stay what they were.
          ...(chat ? { chat } : {}),
          ...(req.maxLength ? { maxLength: req.maxLength } : {}),
        }),
      )
      .digest("hex");
    const existing = await client.query<{ id: number }>(`SELECT "id" FROM "Run" WHERE "importKey" = $1`, [
      key,
    ]);
    let runId = existing.rows[0]?.id;
    const created = runId === undefined;
    const total = [...totals.values()].reduce((s, n) => s + n, 0);
    if (runId === undefined) {
      const run = await client.query<{ id: number }>(
        `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "prompt", "shots", "status", "provenance", "importKey", "config", "progressTotal", "sourceFiles")
         VALUES ($1, $2, $3, $4, $5, 'queued', 'worker', $6, $7, $8, $9) RETURNING "id"`,
        [
          model.rows[0].id,
          benchmark.id,
          req.method,
          promptId(req),
          req.shots,
          key,
          JSON.stringify({
            data: path.resolve(req.data),
            layout: stored.layout,
            normalization: req.normalization,
            batchSize: req.batchSize,
            limit: req.limit ?? null,
            onnxPath: model.rows[0].onnxPath,
            ...(chat ? { chat } : {}),
            ...(req.maxLength ? { maxLength: req.maxLength } : {}),
          }),
          total,
          JSON.stringify(
            files.map((f) => ({ name: path.basename(f.path), language: f.language, split: f.split })),
          ),
        ],
      );
      runId = run.rows[0].id;
      await client.query(
        `INSERT INTO "RunSplit" ("runId", "languageCode", "total") SELECT $1, l, t FROM unnest($2::text[], $3::int[]) AS u(l, t)`,
        [runId, [...totals.keys()], [...totals.values()]],
      );
    } else {
      // Resuming: unfinished splits go back to the queue; a failed or cancelled run is retried.
      await client.query(
        `UPDATE "RunSplit" SET "status" = 'queued', "error" = NULL WHERE "runId" = $1 AND "status" <> 'completed'`,
        [runId],
      );
      await client.query(
        `UPDATE "Run" SET "status" = 'queued', "error" = NULL, "finishedAt" = NULL WHERE "id" = $1 AND "status" <> 'completed'`,
        [runId],
      );
    }
    const splits = await client.query<{ language: string; total: number; status: string }>(
      `SELECT "languageCode" AS language, "total", "status"::text AS status FROM "RunSplit" WHERE "runId" = $1 ORDER BY 1`,
      [runId],
    );
    return { runId, created, splits: splits.rows, enqueued: 0, maxQuestionsHeld: stored.maxQuestionsHeld };
  });

  const boss = await bossFor(databaseUrl);
  for (const s of planned.splits) {
    if (s.status === "completed") continue;
    const id = await boss.send(
      evaluateSplit.id,
      { runId: planned.runId, language: s.language, batchSize: req.batchSize },
      // One live job per split: a second `evaluate` while it is queued or running adds nothing.
      { singletonKey: `${planned.runId}:${s.language}` },
    );
    if (id) planned.enqueued++;
  }
  if (planned.enqueued > 0) await notifyJobsQueued(pool, evaluateSplit.id);
  return planned;
}
