/**
 * `npm run bench:ingest`: end-to-end import speed and memory.
 *
 * 1. Generates a 1,000,000-prediction scores JSONL file (10 languages × 100,000 questions, 4 options).
 * 2. Imports it with importFiles (hash, stream-parse, COPY the new questions and the predictions by the direct path,
 *    statistics), sampling process RSS every 50 ms; `write_path` says which path wrote.
 * 3. Imports the same file for a second model (questions exist: only predictions are written, by the direct path
 *    when it applies; statistics skipped to bound the bench's run time) — the common case of many models over one
 *    benchmark. A VACUUM (ANALYZE) of the two tables runs before it (timed apart), so that autovacuum's first pass
 *    over the rows of step 2 does not overlap it by chance.
 * 4. Baseline: the first BENCH_CREATEMANY_N (default 100,000) of the same predictions written through Prisma
 *    `createMany` into a second run over the same questions (a subset, reported per second).
 * Uses its own database (a temp database on DATABASE_URL's server, or on the embedded cluster) and drops it.
 * Ends with one JSON line: {"bench":"ingest","n":…,"copy_per_s":…,"createmany_per_s":…,"peak_rss_mb":…,…}
 * copy_per_s covers the ingest without the statistics phase (its recompute and the COMMIT; reported as stats_s, and included in
 * end_to_end_per_s); load_avg, node_cpu_s and pg_cpu_s (the embedded cluster's CPU during the first import, every
 * backend, read from /proc; null on a DATABASE_URL server) are printed because wall-clock numbers depend on what else the machine runs.
 * 5. The floor (bench/support/ingest-floor.ts: Postgres alone writing the same number of question and prediction
 *    rows) right after, on the same server, and the ratios to it: new_questions_ratio = copy_per_s / the floor's
 *    new-questions bound, existing_questions_ratio = copy_existing_questions_per_s / its stored-questions bound,
 *    end_to_end_ratio = end_to_end_per_s / the new-questions bound (goals: ≥ 0.8, ≥ 0.8 and ≥ 0.5). Then, for
 *    comparison, the stored-questions floor in the state step 3 writes into (a table already holding one run over
 *    the questions: populatedFloor) and existing_questions_populated_ratio against it. BENCH_FLOOR=0 skips both.
 * 6. Paired, in this bench's database, right after step 3 (bench/support/ingest-pairs.ts; before step 4 puts a Prisma
 *    client and 1M question objects into this process's heap): BENCH_PAIRS (default 5) pairs of a further
 *    stored-questions import and the floor writing as many predictions over the same question ids into the same
 *    table, alternately, each after VACUUM and CHECKPOINT: existing_questions_pairs ([import, floor] per second),
 *    existing_questions_paired_ratio (the median of their ratios) and pairs_checkpoint (whether the CHECKPOINT could
 *    run: a DATABASE_URL role may lack pg_checkpoint). BENCH_FLOOR=0 or BENCH_PAIRS=0 skips them (the fields are null).
 * 7. Paired likewise, right after: BENCH_PAIRS sets of two imports of the file as a new benchmark (every question
 *    new), without statistics (as --no-stats, and as the pairs of step 6) and with them (as step 2), and the floor
 *    COPYing as many new questions and their predictions, in this database: new_questions_pairs ([import with
 *    statistics less their phase, that whole import, floor, import without statistics] per second) and the medians
 *    new_questions_no_stats_paired_ratio (the importer against the new-questions bound: goal ≥ 0.8),
 *    end_to_end_paired_ratio (goal ≥ 0.5) and new_questions_paired_ratio (the write phase of the import with
 *    statistics, whose threads start beside the writes, against the bound).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { ingestFloor, populatedFloor } from "./support/ingest-floor";
import { newQuestionPairs, storedQuestionPairs, timedImport } from "./support/ingest-pairs";
import { postgresCpuSeconds } from "./support/postgres-cpu";
import { benchDatabase } from "./support/temp-database";
import { K, rows, writeScoresFile as writeFile } from "./support/scores-file";
import { endPools } from "../lib/db/pool";
import { disconnectAll, prismaFor } from "../lib/db/prisma";

const N = Number(process.env.BENCH_N ?? 1_000_000);
const CREATEMANY_N = Math.min(N, Number(process.env.BENCH_CREATEMANY_N ?? 100_000));
const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);

/** 7 columns × 4,000 rows = 28,000 bind parameters, under Postgres's 32,767 per statement (Prisma's split point). */
const CREATEMANY_BATCH = 4_000;

const log = (msg: string) => process.stderr.write(`[bench:ingest] ${msg}\n`);


async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "atlas-bench-ingest-"));
  const file = path.join(dir, "bench-scores.jsonl");
  const { url, drop } = await benchDatabase("ingest");
  try {
    let t = Date.now();
    await writeFile(file, N);
    log(`generated ${N} predictions in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // ---- COPY path, end to end ----
    // The URL, as the CLI passes it: the import runs its own transaction and reads on a side connection meanwhile.
    // Postgres's CPU is the embedded cluster's (every backend), read from /proc; null on another server.
    const pgCpu0 = postgresCpuSeconds();
    const nodeCpu0 = process.cpuUsage();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const { r, s: importS, phases, statsS } = await timedImport({ db: url, files: [file], model: "Bench-Model", benchmark: "Bench-MC" });
    const nodeCpu = process.cpuUsage(nodeCpu0);
    const pgCpu1 = postgresCpuSeconds();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (r.predictions !== N) throw new Error(`imported ${r.predictions} predictions, expected ${N}`);
    log(
      `importFiles: ${N} predictions in ${importS.toFixed(2)} s (${Object.entries(phases)
        .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
        .join(", ")})`,
    );

    // ---- The same file for a second model: questions exist, only predictions are written ----
    // Autovacuum's first pass over the 2M rows just written would otherwise overlap this import on a 2-core machine,
    // by chance (its naptime is a minute): run it now, timed apart.
    t = Date.now();
    const maintenance = new pg.Client({ connectionString: url });
    await maintenance.connect();
    await maintenance.query(`VACUUM (ANALYZE) "Question", "Prediction"`);
    await maintenance.end();
    const vacuumS = (Date.now() - t) / 1000;
    const rssBeforeAgain = process.memoryUsage().rss;
    let peakAgain = rssBeforeAgain;
    const samplerAgain = setInterval(() => (peakAgain = Math.max(peakAgain, process.memoryUsage().rss)), 50);
    const { r: again, s: reuseS } = await timedImport({ db: url, files: [file], model: "Bench-Model-2", benchmark: "Bench-MC", stats: false });
    clearInterval(samplerAgain);
    if (again.predictions !== N || again.questionsCreated !== 0)
      throw new Error(`second import: ${JSON.stringify(again)}`);
    log(
      `importFiles over existing questions (statistics skipped): ${N} predictions in ${reuseS.toFixed(2)} s`,
    );

    // ---- Step 6 (see the top of the file) ----
    const paired =
      process.env.BENCH_FLOOR !== "0" && PAIRS > 0 ? await storedQuestionPairs(url, file, "Bench-MC", PAIRS, again.writePath) : null;
    if (paired) log(`stored questions, paired with the floor: ${JSON.stringify(paired)}`);
    // ---- Step 7 ----
    const pairedNew =
      process.env.BENCH_FLOOR !== "0" && PAIRS > 0 ? await newQuestionPairs(url, file, N, PAIRS, r.writePath) : null;
    if (pairedNew) log(`new questions, paired with the floor: ${JSON.stringify(pairedNew)}`);

    // ---- Prisma createMany baseline on a subset of the same data ----
    const cmS = await createManyBaseline(url);
    log(`prisma createMany: ${CREATEMANY_N} predictions in ${cmS.toFixed(2)} s`);

    // copy_per_s: the ingest itself (hash, stream-parse, COPY, question + prediction INSERTs), without the statistics
    // phase — recomputeRunStats and, as it is the import's last reported phase, the COMMIT after it — reported apart
    // as stats_s and included in end_to_end_per_s.
    const copyPerS = Math.round(N / (importS - statsS));
    const cmPerS = Math.round(CREATEMANY_N / cmS);
    const round = (x: number) => Math.round(x * 100) / 100;
    // The bound, measured in this run on the same server rather than taken from another run (minutes after import 2,
    // with the pairs and the baseline in between: the pairs above are the side-by-side measurement).
    const floor = process.env.BENCH_FLOOR === "0" ? null : await ingestFloor(N);
    if (floor) log(`floor: ${JSON.stringify(floor)}`);
    const populated = floor ? await populatedFloor(N) : null;
    if (populated) log(`stored-questions floor on a table holding a run: ${populated} predictions/s`);
    const ratio = (x: number, bound: number | undefined) => (bound ? Math.round((x / bound) * 100) / 100 : null);
    const result = {
      bench: "ingest",
      n: N,
      copy_per_s: copyPerS,
      createmany_per_s: cmPerS,
      peak_rss_mb: Math.round(peak / 2 ** 20),
      rss_before_mb: Math.round(rssBefore / 2 ** 20),
      createmany_n: CREATEMANY_N,
      speedup: Math.round((copyPerS / cmPerS) * 10) / 10,
      end_to_end_per_s: Math.round(N / importS),
      copy_existing_questions_per_s: Math.round(N / reuseS),
      write_path: r.writePath,
      existing_write_path: again.writePath,
      existing_peak_rss_mb: Math.round(peakAgain / 2 ** 20),
      vacuum_s: round(vacuumS),
      import_s: round(importS),
      hash_s: round(phases.hashing ?? 0),
      read_copy_s: round(phases.reading ?? 0),
      insert_s: round(phases.writing ?? 0),
      stats_s: round(statsS),
      node_cpu_s: round((nodeCpu.user + nodeCpu.system) / 1e6),
      pg_cpu_s: pgCpu0 !== null && pgCpu1 !== null ? round(pgCpu1 - pgCpu0) : null,
      new_questions_bound_per_s: floor?.new_questions_bound_per_s ?? null,
      existing_questions_bound_per_s: floor?.existing_questions_bound_per_s ?? null,
      new_questions_ratio: ratio(copyPerS, floor?.new_questions_bound_per_s),
      existing_questions_ratio: ratio(Math.round(N / reuseS), floor?.existing_questions_bound_per_s),
      end_to_end_ratio: ratio(Math.round(N / importS), floor?.new_questions_bound_per_s),
      existing_questions_populated_bound_per_s: populated,
      existing_questions_populated_ratio: ratio(Math.round(N / reuseS), populated ?? undefined),
      existing_questions_pairs: paired?.pairs ?? null,
      existing_questions_paired_ratio: paired?.ratio ?? null,
      pairs_checkpoint: paired?.checkpoint ?? null,
      new_questions_pairs: pairedNew?.pairs ?? null,
      new_questions_paired_ratio: pairedNew?.ratio ?? null,
      new_questions_no_stats_paired_ratio: pairedNew?.noStatsRatio ?? null,
      end_to_end_paired_ratio: pairedNew?.endToEndRatio ?? null,
      load_avg: Math.round(loadavg()[0] * 10) / 10,
      cpus: cpus().length,
    };
    console.log(JSON.stringify(result));
  } finally {
    await disconnectAll();
    await endPools();
    await drop().catch((e) => log(`could not drop the bench database: ${(e as Error).message}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds to write the first CREATEMANY_N predictions through Prisma createMany, as a further run of Bench-Model. */
async function createManyBaseline(url: string): Promise<number> {
  const prisma = prismaFor(url);
  const run = await prisma.run.create({
    data: {
      modelId: (await prisma.model.findFirstOrThrow({ where: { name: "Bench-Model" } })).id,
      benchmarkId: (await prisma.benchmark.findFirstOrThrow({ where: { name: "Bench-MC" } })).id,
      scoringMethod: "probs",
      provenance: "imported",
    },
  });
  const qids = new Map<string, number>(
    (await prisma.question.findMany({ select: { id: true, languageCode: true, externalId: true } })).map(
      (q) => [`${q.languageCode}/${q.externalId}`, q.id],
    ),
  );
  const data = [];
  for (const row of rows(CREATEMANY_N)) {
    let best = 0;
    for (let k = 1; k < K; k++) if (row.probs[k] > row.probs[best]) best = k;
    data.push({
      runId: run.id,
      questionId: qids.get(`${row.language}/${row.id}`)!,
      probs: row.probs,
      logLikelihoods: [],
      predicted: best,
      confidence: row.probs[best],
      correct: best === row.label,
    });
  }
  const t = Date.now();
  // At most CREATEMANY_BATCH rows per call, so that each call is one INSERT: above the driver's bind-parameter
  // limit Prisma splits the call into statements it sends at once on its one transaction connection (pg's
  // "client.query() when the client is already executing a query" deprecation warning; an error in pg 9).
  for (let i = 0; i < data.length; i += CREATEMANY_BATCH)
    await prisma.prediction.createMany({ data: data.slice(i, i + CREATEMANY_BATCH) });
  return (Date.now() - t) / 1000;
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
