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
import { loadavg } from "node:os";
import { ingestFloor } from "./support/ingest-floor";

const N = Number(process.env.BENCH_N ?? 1_000_000);

ingestFloor(N).then(
  (floor) => console.log(JSON.stringify({ bench: "ingest-floor", ...floor, load_avg: Math.round(loadavg()[0] * 10) / 10 })),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
