/**
 * bench:ingest's paired measurement of the stored-questions import against its floor, in the bench's own database
 * and state: the import of a further model over the questions already stored, and Postgres alone (ingest-floor.ts's
 * binary COPY) writing the same number of predictions over the same question ids into the same table, alternately.
 *
 * Why pairs in one database: a floor measured once, in another database and at another moment, differs from the
 * import in more than the importer's work. The host's speed moves by tens of percent within minutes, and the table
 * a second model's import writes into already holds a run over the questions (its "questionId" index entries go
 * between existing ones), where a fresh database's table is empty.
 *
 * Each pair, in turns (import first in odd pairs, floor first in even ones, so that a drift of the host's speed
 * weighs on both alike), and each measurement after the same reset: VACUUM (ANALYZE) of the two tables and a
 * CHECKPOINT, so that neither inherits the other's dead rows or dirty buffers. The import commits a run, which is
 * then deleted; the floor's transaction is rolled back. One untimed floor runs first: the first further run over the
 * questions splits the "questionId" index's pages, and VACUUM leaves the room that made, so only the first
 * measurement would pay for it. The ratio of a pair is import/floor in predictions per second; the result is their
 * median (type-7 quantile at 1/2). A last reset leaves no dead rows behind for what the bench measures next.
 */
import pg from "pg";
import { floorRuns, rolledBackPredictionCopy } from "./ingest-floor";
import { quantileSorted } from "../../lib/calibration/bootstrap";
import { importFiles } from "../../lib/import/import-files";

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
    let checkpoint = true;
    const reset = async () => {
      await c.query(`VACUUM (ANALYZE) "Question", "Prediction"`);
      if (checkpoint) await c.query("CHECKPOINT").catch(() => (checkpoint = false));
    };
    const importRate = async (k: number): Promise<number> => {
      await reset();
      const t = performance.now();
      const r = await importFiles({ db: url, files: [file], model: `Bench-Pair-${k}`, benchmark, stats: false });
      const s = (performance.now() - t) / 1000;
      if (r.predictions !== ids.length || r.questionsCreated !== 0 || r.writePath !== writePath)
        throw new Error(`paired import: ${JSON.stringify(r)}, expected the ${writePath} path`);
      await c.query(`DELETE FROM "Run" WHERE id = $1`, [r.runId]);
      return Math.round(ids.length / s);
    };
    const floorRate = async (): Promise<number> => {
      await reset();
      return Math.round(ids.length / (await rolledBackPredictionCopy(c, ids.length, floorRun, (i) => ids[i])));
    };
    await floorRate();
    const pairs: [number, number][] = [];
    for (let k = 1; k <= count; k++) {
      if (k % 2 === 1) {
        const i = await importRate(k);
        pairs.push([i, await floorRate()]);
      } else {
        const f = await floorRate();
        pairs.push([await importRate(k), f]);
      }
    }
    await c.query(`DELETE FROM "Run" WHERE id = $1`, [floorRun]);
    await reset();
    const ratios = Float64Array.from(pairs, ([i, f]) => i / f).sort();
    return { pairs, ratio: Math.round(quantileSorted(ratios, 0.5) * 100) / 100, checkpoint };
  } finally {
    await c.end();
  }
}
