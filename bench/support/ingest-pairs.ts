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
 * median. A last reset leaves no dead rows behind for what the bench measures next.
 */
import pg from "pg";
import { copyPredictions } from "./ingest-floor";
import { importFiles } from "../../lib/import/import-files";

export interface StoredPairs {
  /** [import, floor] predictions per second, one entry per pair. */
  pairs: [number, number][];
  ratio: number;
  /** Whether the CHECKPOINT ran (a DATABASE_URL role may lack pg_checkpoint: only the VACUUM then). */
  checkpoint: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

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
    const ids = (
      await c.query<{ id: number }>(
        `SELECT q.id FROM "Question" q JOIN "Benchmark" b ON b.id = q."benchmarkId" WHERE b.name = $1 ORDER BY q.id`,
        [benchmark],
      )
    ).rows.map((r) => r.id);
    const model = (await c.query<{ id: number }>(`INSERT INTO "Model" (name, family) VALUES ('Bench-Floor', 'Bench-Floor') RETURNING id`)).rows[0].id;
    const floorRun = (
      await c.query<{ id: number }>(
        `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", status, provenance)
         SELECT $1, id, 'probs', 'running', 'imported' FROM "Benchmark" WHERE name = $2 RETURNING id`,
        [model, benchmark],
      )
    ).rows[0].id;
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
      await c.query("BEGIN");
      await c.query("SET LOCAL session_replication_role = replica");
      const t = performance.now();
      await copyPredictions(c, ids.length, floorRun, (i) => ids[i]);
      const s = (performance.now() - t) / 1000;
      await c.query("ROLLBACK");
      return Math.round(ids.length / s);
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
    return { pairs, ratio: Math.round(median(pairs.map(([i, f]) => i / f)) * 100) / 100, checkpoint };
  } finally {
    await c.end();
  }
}
