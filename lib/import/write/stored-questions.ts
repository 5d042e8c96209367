/**
 * The questions one benchmark already stores in one language, loaded into memory for the import's direct path
 * (direct-path.ts): external id → question id, with the option count and gold label for clash checks, and where
 * each question was first seen in this import (duplicate ids).
 *
 * Read with COPY … TO STDOUT (binary format) instead of one row object per question from the driver. Memory: the
 * external ids and a few numbers per question (and the Map, once rows come out of the stored order); bench:ingest's
 * import over 1M stored questions peaked at 374–405 MB RSS with the Map (242–265 MB for the staging path).
 */
import pg from "pg";
import { copyOutBinary } from "../../db/copy-binary";

/**
 * One language's questions as the import sees them: the stored ones, loaded first in id order, and the ones this
 * import creates, appended as their rows arrive (`add`). An entry's index k addresses every array.
 *
 * find() first tries the entry after the last one found: rows that come in the order the questions were stored
 * (another model's scores of the same benchmark files: the common case) are matched by one string comparison each,
 * and the Map from external id to entry is only built at the first row out of that order. Loading 1M stored questions
 * into a Map and looking each row up in it cost more Node time than Postgres spent storing the predictions.
 */
export class StoredQuestions {
  readonly externalIds: string[] = [];
  readonly ids: number[] = [];
  readonly optionCounts: number[] = [];
  /** Gold index, or -1 when the question has none. */
  readonly golds: number[] = [];
  /** Where this import first used the question: file index + 1 (0: not yet), and line. */
  readonly firstFile: number[] = [];
  readonly firstLine: number[] = [];
  /** How many of the entries were stored before the import (the rest are new). */
  stored = 0;
  /** The entry after the last one found. */
  private cursor = 0;
  /** External id → entry, built on the first miss of the cursor. */
  private index: Map<string, number> | null = null;

  get size(): number {
    return this.ids.length;
  }

  /** The entry of an external id, or -1 when there is none. */
  find(externalId: string): number {
    const c = this.cursor;
    if (c < this.externalIds.length && this.externalIds[c] === externalId) {
      this.cursor = c + 1;
      return c;
    }
    if (this.index === null) {
      this.index = new Map();
      for (let k = 0; k < this.externalIds.length; k++) this.index.set(this.externalIds[k], k);
    }
    const k = this.index.get(externalId);
    if (k === undefined) return -1;
    this.cursor = k + 1; // the rows after it probably follow on from it
    return k;
  }

  /** Appends a question (id 0 until one is assigned); returns its index. */
  add(externalId: string, id: number, optionCount: number, gold: number): number {
    const k = this.ids.length;
    this.externalIds.push(externalId);
    this.index?.set(externalId, k);
    this.ids.push(id);
    this.optionCounts.push(optionCount);
    this.golds.push(gold);
    this.firstFile.push(0);
    this.firstLine.push(0);
    return k;
  }

  /**
   * Puts the entries in ascending id order, if they are not (before anything else uses them: run-rows.ts merges the
   * stored ids with the new ones, and rows usually come in the order the questions were stored). Returns whether it
   * had to sort.
   */
  sortById(): boolean {
    const ids = this.ids;
    let ascending = true;
    for (let k = 1; k < ids.length && ascending; k++) ascending = ids[k - 1] < ids[k];
    if (ascending) return false;
    const order = Int32Array.from(ids.keys()).sort((a, b) => ids[a] - ids[b]);
    for (const column of [this.externalIds, this.ids, this.optionCounts, this.golds] as unknown[][]) {
      const was = column.slice();
      for (let k = 0; k < order.length; k++) column[k] = was[order[k]];
    }
    if (this.index) for (let k = 0; k < this.externalIds.length; k++) this.index.set(this.externalIds[k], k);
    return true;
  }
}

export async function loadStoredQuestions(
  client: pg.ClientBase,
  benchmarkId: number,
  language: string,
): Promise<StoredQuestions> {
  const q = new StoredQuestions();
  // COPY takes no bind parameters: the id is an integer by construction and the language goes through pg's
  // escapeLiteral (which also handles backslashes, unlike doubling quotes by hand).
  if (!Number.isSafeInteger(benchmarkId)) throw new Error(`benchmark id ${benchmarkId} is not an integer`);
  // Binary COPY: no text to split and no decimal ids to parse, once per stored question. No ORDER BY: the rows come
  // in the table's order, which for questions stored by one COPY is their id order, and sortById puts them in order
  // otherwise — Postgres sorting 100k rows by id (an external merge at the default work_mem) was 30 of the 73 ms the
  // query took per language, on the connection the import's writes compete with for the CPU.
  await copyOutBinary(
    client,
    `COPY (SELECT "externalId", "id", "optionCount", coalesce("gold", -1) FROM "Question"
            WHERE "benchmarkId" = ${benchmarkId} AND "languageCode" = ${pg.escapeLiteral(language)}) TO STDOUT (FORMAT binary)`,
    (t) => q.add(t.text(0), t.int4(1), t.int4(2), t.int4(3)),
  );
  q.sortById();
  q.stored = q.ids.length;
  return q;
}
