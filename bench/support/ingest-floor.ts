/** The measurement of `npm run bench:ingest-floor` (see bench/ingest-floor.ts), also run by bench:ingest back to back. */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from "../../lib/db/copy-binary";
import { benchDatabase } from "./temp-database";

const LANGS = ["ar", "de", "en", "es", "fr", "hi", "ja", "ru", "sw", "zh"];
const CHUNK = 5_000;

export interface IngestFloor {
  n: number;
  questions_copy_s: number;
  predictions_copy_s: number;
  new_questions_bound_per_s: number;
  existing_questions_bound_per_s: number;
}

function probsOf(i: number): number[] {
  const raw = [1, 2, 3, 4].map((k) => ((i * 2654435761 + k * 40503) % 1000003) / 1000003 + 1e-3);
  const s = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / s);
}

/** Chunks of rows produced on demand (the producer is cheap next to the server's work). */
function source(N: number, make: (from: number, to: number) => string | Buffer, head?: Buffer, tail?: Buffer): Readable {
  let i = 0;
  let started = false;
  return new Readable({
    read() {
      if (!started && head) {
        started = true;
        this.push(head);
        return;
      }
      if (i >= N) {
        if (tail) this.push(tail);
        this.push(null);
        return;
      }
      const to = Math.min(N, i + CHUNK);
      this.push(make(i, to));
      i = to;
    },
  });
}

/** The floor's catalog rows: a benchmark (named `name`), and one model with a run per entry of `models`. */
export async function catalog(c: pg.Client, models: string[], name = "Floor"): Promise<{ benchmark: number; runs: number[] }> {
  const benchmark = (await c.query<{ id: number }>(`INSERT INTO "Benchmark" (name, "optionCount") VALUES ($1, 4) RETURNING id`, [name])).rows[0].id;
  return { benchmark, runs: await floorRuns(c, benchmark, models) };
}

/** One model per entry of `models` (named so), each with a run over `benchmark`; returns the runs' ids. */
export async function floorRuns(c: pg.Client, benchmark: number, models: string[]): Promise<number[]> {
  const runs: number[] = [];
  for (const name of models) {
    const model = (await c.query<{ id: number }>(`INSERT INTO "Model" (name, family) VALUES ($1, $1) RETURNING id`, [name])).rows[0].id;
    const run = await c.query<{ id: number }>(
      `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", status, provenance) VALUES ($1, $2, 'probs', 'running', 'imported') RETURNING id`,
      [model, benchmark],
    );
    runs.push(run.rows[0].id);
  }
  return runs;
}

/** COPYs n questions (ids from the sequence, 10 languages) in the open transaction; returns the first id. */
async function copyQuestions(c: pg.Client, N: number, benchmark: number): Promise<number> {
  const PER_LANG = Math.ceil(N / LANGS.length);
  const base = Number((await c.query<{ id: string }>(`SELECT nextval('"Question_id_seq"') AS id`)).rows[0].id);
  await pipeline(
    source(N, (from, to) => {
      let s = "";
      for (let i = from; i < to; i++) s += `${base + i}\t${benchmark}\t${LANGS[Math.floor(i / PER_LANG)]}\tq${i % PER_LANG}\t[]\t4\t${i % 4}\n`;
      return s;
    }),
    c.query(copyFrom(`COPY "Question" (id, "benchmarkId", "languageCode", "externalId", options, "optionCount", gold) FROM STDIN`)),
  );
  return base;
}

/**
 * COPYs n predictions of run `run` (binary, as the import's direct path), the i-th over question `question(i)`:
 * base + i for the questions copyQuestions wrote, or the ids a database already holds (bench/support/ingest-pairs.ts).
 */
async function copyPredictions(c: pg.Client, N: number, run: number, question: (i: number) => number): Promise<void> {
  const w = new BinaryRowWriter();
  await pipeline(
    source(
      N,
      (from, to) => {
        for (let i = from; i < to; i++) {
          const p = probsOf(i);
          let best = 0;
          for (let k = 1; k < 4; k++) if (p[k] > p[best]) best = k;
          w.row(7).int4(run).int4(question(i)).float8Array(p).null().int4(best).float8(p[best]).bool(best === i % 4);
        }
        return w.take();
      },
      COPY_BINARY_HEADER,
      COPY_BINARY_TRAILER,
    ),
    c.query(copyFrom(`COPY "Prediction" ("runId", "questionId", probs, "logLikelihoods", predicted, confidence, correct) FROM STDIN WITH (FORMAT binary)`)),
  );
}

/**
 * Seconds to COPY n predictions (copyPredictions) in a transaction of their own, FK triggers off as in the import's
 * bulk mode, rolled back: the stored-questions floor on whatever the table holds.
 */
export async function rolledBackPredictionCopy(c: pg.Client, N: number, run: number, question: (i: number) => number): Promise<number> {
  await c.query("BEGIN");
  await c.query("SET LOCAL session_replication_role = replica");
  const t = performance.now();
  await copyPredictions(c, N, run, question);
  const s = (performance.now() - t) / 1000;
  await c.query("ROLLBACK");
  return s;
}

/**
 * COPYs n new questions of `benchmark`, then n predictions of `run` over them, in a transaction of their own, FK
 * triggers off as in the import's bulk mode, ended by `end`: the first question id, and the seconds of each COPY.
 */
async function copyIngest(
  c: pg.Client,
  N: number,
  benchmark: number,
  run: number,
  end: "COMMIT" | "ROLLBACK",
): Promise<{ base: number; questionsS: number; predictionsS: number }> {
  await c.query("BEGIN");
  await c.query("SET LOCAL session_replication_role = replica");
  let t = performance.now();
  const base = await copyQuestions(c, N, benchmark);
  const questionsS = (performance.now() - t) / 1000;
  t = performance.now();
  await copyPredictions(c, N, run, (i) => base + i);
  const predictionsS = (performance.now() - t) / 1000;
  await c.query(end);
  return { base, questionsS, predictionsS };
}

/** copyIngest rolled back: the new-questions floor, in seconds per COPY, on whatever the tables hold. */
export async function rolledBackIngest(c: pg.Client, N: number, benchmark: number, run: number): Promise<{ questionsS: number; predictionsS: number }> {
  return copyIngest(c, N, benchmark, run, "ROLLBACK");
}

/** Writes n questions and n predictions as described in bench/ingest-floor.ts, in a database of its own, and rolls back. */
export async function ingestFloor(N: number): Promise<IngestFloor> {
  const { url, drop } = await benchDatabase("floor");
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { benchmark, runs } = await catalog(c, ["Floor"]);
    const { questionsS, predictionsS } = await rolledBackIngest(c, N, benchmark, runs[0]);
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      n: N,
      questions_copy_s: round(questionsS),
      predictions_copy_s: round(predictionsS),
      new_questions_bound_per_s: Math.round(N / (questionsS + predictionsS)),
      existing_questions_bound_per_s: Math.round(N / predictionsS),
    };
  } finally {
    await c.end();
    await drop();
  }
}

/**
 * The stored-questions floor in the state bench:ingest's second import writes into: n questions and one run's n
 * predictions over them committed and vacuumed first (untimed), then the timed COPY of a second run's n predictions
 * (rolled back). Against the empty table of ingestFloor, Postgres then also inserts each prediction's entry into a
 * "questionId" index that already holds one per question. Predictions per second.
 */
export async function populatedFloor(N: number): Promise<number> {
  const { url, drop } = await benchDatabase("floor");
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { benchmark, runs } = await catalog(c, ["Floor", "Floor-2"]);
    const { base } = await copyIngest(c, N, benchmark, runs[0], "COMMIT");
    await c.query(`VACUUM (ANALYZE) "Question", "Prediction"`);
    return Math.round(N / (await rolledBackPredictionCopy(c, N, runs[1], (i) => base + i)));
  } finally {
    await c.end();
    await drop();
  }
}
