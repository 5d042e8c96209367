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

/** Writes n questions and n predictions as described in bench/ingest-floor.ts, in a database of its own, and rolls back. */
export async function ingestFloor(N: number): Promise<IngestFloor> {
  const PER_LANG = Math.ceil(N / LANGS.length);
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
      source(N, (from, to) => {
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
        N,
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
