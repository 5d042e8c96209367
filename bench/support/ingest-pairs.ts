/**
 * bench:ingest's paired measurements of the import against its floor, in the bench's own database and state:
 *  - stored questions: the import of a further model over the questions already stored, and Postgres alone
 *    (ingest-floor.ts's binary COPY) writing the same number of predictions over the same question ids into the same
 *    table;
 *  - new questions: the import of the file as a new benchmark (every question new) twice, without statistics (as
 *    `calib import --no-stats`, and as the stored-questions pairs import) and with them (timed apart, as in the bench's
 *    first import), and Postgres alone COPYing as many new questions and their predictions.
 *
 * Why pairs in one database: a floor measured once, in another database and at another moment, differs from the
 * import in more than the importer's work. The host's speed moves by tens of percent within minutes, and the tables
 * the imports write into already hold the bench's earlier rows (a second model's predictions go between a first
 * run's "questionId" index entries), where a fresh database's tables are empty.
 *
 * Each pair, in turns (import first in odd pairs, floor first in even ones, so that a drift of the host's speed
 * weighs on both alike), and each measurement after the same reset: VACUUM (ANALYZE) of the two tables and a
 * CHECKPOINT, so that neither inherits the other's dead rows or dirty buffers. An import commits (its run, or its
 * benchmark, is then deleted); the floor's transaction is rolled back. Stored questions: one untimed floor runs
 * first, as the first further run over the questions splits the "questionId" index's pages, and VACUUM leaves the
 * room that made, so only the first measurement would pay for it. The ratio of a pair is import/floor in rows per
 * second; the result is their median (type-7 quantile at 1/2). A last reset leaves no dead rows behind for what the
 * bench measures next.
 */
import pg from "pg";
import { catalog, floorRuns, rolledBackIngest, rolledBackPredictionCopy } from "./ingest-floor";
import { quantileSorted } from "../../lib/calibration/bootstrap";
import { importFiles, type ImportOptions, type ImportResult } from "../../lib/import/import-files";

export interface StoredPairs {
  /** [import, floor] predictions per second, one entry per pair. */
  pairs: [number, number][];
  ratio: number;
  /** Whether the CHECKPOINT ran (a DATABASE_URL role may lack pg_checkpoint: only the VACUUM then). */
  checkpoint: boolean;
}

/**
 * `count` pairs over the questions of `benchmark` (stored by an earlier import of `file`, in the file's order, which
 * is their id order): the import of `file` as a new model each time, and the floor over those question ids. Each
 * import must take `writePath` (that of the import measured before the pairs).
 */
export async function storedQuestionPairs(
  url: string,
  file: string,
  benchmark: string,
  count: number,
  writePath: string,
): Promise<StoredPairs> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const benchmarkId = (await c.query<{ id: number }>(`SELECT id FROM "Benchmark" WHERE name = $1`, [benchmark])).rows[0].id;
    const ids = (
      await c.query<{ id: number }>(`SELECT id FROM "Question" WHERE "benchmarkId" = $1 ORDER BY id`, [benchmarkId])
    ).rows.map((r) => r.id);
    const [floorRun] = await floorRuns(c, benchmarkId, ["Bench-Floor"]);
    const reset = resetter(c);
    const importRate = async (k: number): Promise<number> => {
      await reset.run();
      const { r, s } = await timedImport({ db: url, files: [file], model: `Bench-Pair-${k}`, benchmark, stats: false });
      if (r.predictions !== ids.length || r.questionsCreated !== 0 || r.writePath !== writePath)
        throw new Error(`paired import: ${JSON.stringify(r)}, expected the ${writePath} path`);
      await c.query(`DELETE FROM "Run" WHERE id = $1`, [r.runId]);
      return Math.round(ids.length / s);
    };
    const floorRate = async (): Promise<number> => {
      await reset.run();
      return Math.round(ids.length / (await rolledBackPredictionCopy(c, ids.length, floorRun, (i) => ids[i])));
    };
    await floorRate();
    const pairs = await alternate(count, importRate, floorRate);
    await c.query(`DELETE FROM "Run" WHERE id = $1`, [floorRun]);
    await reset.run();
    return { pairs, ratio: medianRatio(pairs.map(([i, f]) => i / f)), checkpoint: reset.checkpoint };
  } finally {
    await c.end();
  }
}

export interface NewPairs {
  /**
   * [import with statistics less its statistics phase, that whole import, floor, import without statistics] rows per
   * second, one entry per pair. The first is the import with statistics (its rows kept in memory, its statistics
   * threads started beside the writes) less its last reported phase, the statistics and the COMMIT after them — the
   * floor rolls back.
   */
  pairs: [number, number, number, number][];
  /** Median of import with statistics, less their phase / floor. */
  ratio: number;
  /** Median of import without statistics / floor: the importer's own work against the bound. */
  noStatsRatio: number;
  /** Median of import (with statistics) / floor. */
  endToEndRatio: number;
  checkpoint: boolean;
}

/**
 * `count` sets of the import of `file` (n predictions) as a new model and benchmark each time — every question new —
 * without and with statistics, and the floor COPYing n new questions and their predictions: in odd sets the import
 * without statistics, the import with them, the floor; in even ones the reverse, so that each import runs before the
 * floor in some sets and after it in others (with an odd count, one more time before). Each import must take
 * `writePath`; its benchmark (questions, run, predictions) is deleted after it.
 */
export async function newQuestionPairs(url: string, file: string, n: number, count: number, writePath: string): Promise<NewPairs> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { benchmark: floorBenchmark, runs } = await catalog(c, ["Bench-Floor-New"], "Bench-Floor-New");
    const reset = resetter(c);
    const importOnce = async (name: string, stats: boolean): Promise<{ s: number; statsS: number }> => {
      await reset.run();
      const { r, s, statsS } = await timedImport({ db: url, files: [file], model: name, benchmark: name, stats });
      if (r.predictions !== n || r.questionsCreated !== n || r.writePath !== writePath)
        throw new Error(`paired import: ${JSON.stringify(r)}, expected ${n} new questions by the ${writePath} path`);
      await c.query(`DELETE FROM "Benchmark" WHERE name = $1`, [name]);
      return { s, statsS };
    };
    const importRates = async (k: number): Promise<[number, number, number]> => {
      const bare = async () => (await importOnce(`Bench-New-${k}-no-stats`, false)).s;
      const first = k % 2 === 1 ? await bare() : null;
      const { s, statsS } = await importOnce(`Bench-New-${k}`, true);
      const noStatsS = first ?? (await bare());
      return [Math.round(n / (s - statsS)), Math.round(n / s), Math.round(n / noStatsS)];
    };
    const floorRate = async (): Promise<number> => {
      await reset.run();
      const { questionsS, predictionsS } = await rolledBackIngest(c, n, floorBenchmark, runs[0]);
      return Math.round(n / (questionsS + predictionsS));
    };
    const pairs = (await alternate(count, importRates, floorRate)).map(
      ([[copy, all, bare], f]) => [copy, all, f, bare] as [number, number, number, number],
    );
    await c.query(`DELETE FROM "Benchmark" WHERE id = $1`, [floorBenchmark]);
    await reset.run();
    return {
      pairs,
      ratio: medianRatio(pairs.map(([copy, , f]) => copy / f)),
      noStatsRatio: medianRatio(pairs.map(([, , f, bare]) => bare / f)),
      endToEndRatio: medianRatio(pairs.map(([, all, f]) => all / f)),
      checkpoint: reset.checkpoint,
    };
  } finally {
    await c.end();
  }
}

/**
 * importFiles, timed: wall seconds, and the seconds of its statistics phase (from its progress reports; 0 when it
 * computed none).
 */
export async function timedImport(opts: ImportOptions): Promise<{ r: ImportResult; s: number; phases: Record<string, number>; statsS: number }> {
  const phases: Record<string, number> = {};
  let phase = "";
  let phaseStart = performance.now();
  const t = performance.now();
  const r = await importFiles({
    ...opts,
    onProgress: (p) => {
      if (p.phase === phase) return;
      if (phase) phases[phase] = (phases[phase] ?? 0) + (performance.now() - phaseStart) / 1000;
      phase = p.phase;
      phaseStart = performance.now();
    },
  });
  const end = performance.now();
  if (phase) phases[phase] = (phases[phase] ?? 0) + (end - phaseStart) / 1000;
  return { r, s: (end - t) / 1000, phases, statsS: phases.stats ?? 0 };
}

/** VACUUM (ANALYZE) of the two tables, then a CHECKPOINT while the role may run one (else only the VACUUM). */
function resetter(c: pg.Client): { run: () => Promise<void>; checkpoint: boolean } {
  const state = {
    checkpoint: true,
    run: async () => {
      await c.query(`VACUUM (ANALYZE) "Question", "Prediction"`);
      if (state.checkpoint) await c.query("CHECKPOINT").catch(() => (state.checkpoint = false));
    },
  };
  return state;
}

/** `count` pairs [import, floor], the import first in odd pairs and the floor first in even ones. */
async function alternate<I>(count: number, importOnce: (k: number) => Promise<I>, floorOnce: () => Promise<number>): Promise<[I, number][]> {
  const pairs: [I, number][] = [];
  for (let k = 1; k <= count; k++) {
    if (k % 2 === 1) {
      const i = await importOnce(k);
      pairs.push([i, await floorOnce()]);
    } else {
      const f = await floorOnce();
      pairs.push([await importOnce(k), f]);
    }
  }
  return pairs;
}

function medianRatio(ratios: number[]): number {
  return Math.round(quantileSorted(Float64Array.from(ratios).sort(), 0.5) * 100) / 100;
}
