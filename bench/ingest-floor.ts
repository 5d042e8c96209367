/**
 * `npm run bench:ingest-floor`: what this machine's Postgres needs to store 1,000,000 questions and 1,000,000
 * predictions with nothing else in the way — a bound for any importer that keeps one row per question and per
 * prediction (the schema's design: questions matched on benchmark + language + external id, predictions keyed on
 * run + question).
 *
 * In one transaction, with the FK triggers off (as the importer's bulk fast path runs), rows generated in memory
 * (nothing parsed, nothing validated, no lookups), in the shape bench:ingest imports (10 languages × 100,000
 * questions, 4 options, full-precision probabilities):
 *   1. COPY of the questions into "Question" (text format);
 *   2. COPY of the predictions into "Prediction" (binary format, as the import's direct path writes them).
 * Ends with one JSON line:
 *   {"bench":"ingest-floor","n":…,"questions_copy_s":…,"predictions_copy_s":…,
 *    "new_questions_bound_per_s":…,"existing_questions_bound_per_s":…}
 * new_questions_bound_per_s = n / (1 + 2), existing_questions_bound_per_s = n / 2.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { loadavg } from "node:os";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from "../lib/import/copy-binary";
import { benchDatabase } from "./support/temp-database";

const N = Number(process.env.BENCH_N ?? 1_000_000);
const LANGS = ["ar", "de", "en", "es", "fr", "hi", "ja", "ru", "sw", "zh"];
const PER_LANG = Math.ceil(N / LANGS.length);
const CHUNK = 5_000;

function probsOf(i: number): number[] {
  const raw = [1, 2, 3, 4].map((k) => ((i * 2654435761 + k * 40503) % 1000003) / 1000003 + 1e-3);
  const s = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / s);
}

/** Chunks of rows produced on demand (the producer is cheap next to the server's work). */
function source(make: (from: number, to: number) => string | Buffer, head?: Buffer, tail?: Buffer): Readable {
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

async function main() {
  const { url, drop } = await benchDatabase("floor");
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const benchmark = (await c.query<{ id: number }>(`INSERT INTO "Benchmark" (name, "optionCount") VALUES ('Floor', 4) RETURNING id`)).rows[0].id;
    const model = (await c.query<{ id: number }>(`INSERT INTO "Model" (name, family) VALUES ('Floor', 'Floor') RETURNING id`)).rows[0].id;
    const run = (
      await c.query<{ id: number }>(
        `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", status, provenance) VALUES ($1, $2, 'probs', 'running', 'imported') RETURNING id`,
        [model, benchmark],
      )
    ).rows[0].id;
    await c.query("BEGIN");
    await c.query("SET LOCAL session_replication_role = replica");
    const first = (await c.query<{ id: string }>(`SELECT nextval('"Question_id_seq"') AS id`)).rows[0].id;
    const base = Number(first);
    let t = performance.now();
    await pipeline(
      source((from, to) => {
        let s = "";
        for (let i = from; i < to; i++) s += `${base + i}\t${benchmark}\t${LANGS[Math.floor(i / PER_LANG)]}\tq${i % PER_LANG}\t[]\t4\t${i % 4}\n`;
        return s;
      }),
      c.query(copyFrom(`COPY "Question" (id, "benchmarkId", "languageCode", "externalId", options, "optionCount", gold) FROM STDIN`)),
    );
    const questionsS = (performance.now() - t) / 1000;
    const w = new BinaryRowWriter();
    t = performance.now();
    await pipeline(
      source(
        (from, to) => {
          for (let i = from; i < to; i++) {
            const p = probsOf(i);
            let best = 0;
            for (let k = 1; k < 4; k++) if (p[k] > p[best]) best = k;
            w.row(7).int4(run).int4(base + i).float8Array(p).null().int4(best).float8(p[best]).bool(best === i % 4);
          }
          return w.take();
        },
        COPY_BINARY_HEADER,
        COPY_BINARY_TRAILER,
      ),
      c.query(copyFrom(`COPY "Prediction" ("runId", "questionId", probs, "logLikelihoods", predicted, confidence, correct) FROM STDIN WITH (FORMAT binary)`)),
    );
    const predictionsS = (performance.now() - t) / 1000;
    await c.query("ROLLBACK");
    const round = (x: number) => Math.round(x * 100) / 100;
    console.log(
      JSON.stringify({
        bench: "ingest-floor",
        n: N,
        questions_copy_s: round(questionsS),
        predictions_copy_s: round(predictionsS),
        new_questions_bound_per_s: Math.round(N / (questionsS + predictionsS)),
        existing_questions_bound_per_s: Math.round(N / predictionsS),
        load_avg: Math.round(loadavg()[0] * 10) / 10,
      }),
    );
  } finally {
    await c.end();
    await drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
