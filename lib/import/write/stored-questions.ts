/**
 * The questions one benchmark already stores in one language, loaded into memory for the import's direct path
 * (direct-path.ts): external id → question id, with the option count and gold label for clash checks, and where
 * each question was first seen in this import (duplicate ids).
 *
 * Read with COPY … TO STDOUT (binary format) instead of one row object per question from the driver. Memory: the
 * external ids' code units and a few numbers per question (and the hash index, once rows come out of the stored
 * order); bench:ingest's second import, over 1M stored questions, peaked at 273–410 MB RSS.
 */
import pg from "pg";
import { copyOutBinary, type BinaryTuple } from "../../db/copy-binary";
import { grown } from "../../typed-grow";

/** Entries a StoredQuestions starts with room for (columns double as they fill). */
const INITIAL_ENTRIES = 1024;

/**
 * One language's questions as the import sees them: the stored ones, loaded first in id order, and the ones this
 * import creates, appended as their rows arrive (`add`). An entry's index k addresses every column.
 *
 * find() first tries the entry after the last one found: rows that come in the order the questions were stored
 * (another model's scores of the same benchmark files: the common case) are matched by one comparison each, and the
 * hash index from external id to entry is only built at the first row out of that order.
 *
 * Nothing here is a JS object per question: the columns are typed arrays (lib/typed-grow.ts) and the external ids
 * their UTF-16 code units, one after another. With a string and a Map entry per question, a 1M-new-question import
 * kept 1M strings alive through every young-generation GC (they were copied, then promoted) and its Node side spent
 * more time in the GC than in parsing; loading a 100k-question language cost ~90 ms instead of ~35.
 */
export class StoredQuestions {
  /** Question id (0 until a new question is given one). */
  ids = new Int32Array(INITIAL_ENTRIES);
  optionCounts = new Int32Array(INITIAL_ENTRIES);
  /** Gold index, or -1 when the question has none. */
  golds = new Int32Array(INITIAL_ENTRIES);
  /** Where this import first used the question: file index + 1 (0: not yet), and line. */
  firstFile = new Int32Array(INITIAL_ENTRIES);
  firstLine = new Float64Array(INITIAL_ENTRIES);
  /** How many of the entries were stored before the import (the rest are new). */
  stored = 0;
  private length = 0;
  /** Every entry's external id as UTF-16 code units; entry k's are units[starts[k], starts[k + 1]). */
  private units = new Uint16Array(INITIAL_ENTRIES * 16);
  private starts = new Int32Array(INITIAL_ENTRIES + 1);
  /** The entry after the last one found. */
  private cursor = 0;
  /** The hash index, built on the first miss of the cursor. */
  private index: IdIndex | null = null;

  /** `maxProbe`: probes past which the hash index gives way to a Map (hostile ids; see IdIndex). */
  constructor(private readonly maxProbe = MAX_PROBE) {}

  get size(): number {
    return this.length;
  }

  externalId(k: number): string {
    return UTF16.decode(this.units.subarray(this.starts[k], this.starts[k + 1]));
  }

  /** Every entry's external id (a copy; for checks and tests). */
  get externalIds(): string[] {
    return Array.from({ length: this.length }, (_, k) => this.externalId(k));
  }

  /** The entry of an external id, or -1 when there is none. */
  find(externalId: string): number {
    const c = this.cursor;
    if (c < this.length && this.is(c, externalId)) {
      this.cursor = c + 1;
      return c;
    }
    this.index ??= this.buildIndex();
    const k = this.index.find(externalId);
    if (k >= 0) this.cursor = k + 1; // the rows after it probably follow on from it
    return k;
  }

  /** Appends a question (id 0 until one is assigned); returns its index. */
  add(externalId: string, id: number, optionCount: number, gold: number): number {
    const k = this.length;
    if (k === this.ids.length) {
      this.ids = grown(this.ids, k + 1);
      this.optionCounts = grown(this.optionCounts, k + 1);
      this.golds = grown(this.golds, k + 1);
      this.firstFile = grown(this.firstFile, k + 1);
      this.firstLine = grown(this.firstLine, k + 1);
      this.starts = grown(this.starts, this.ids.length + 1);
    }
    const from = this.starts[k];
    const n = externalId.length;
    this.units = grown(this.units, from + n);
    const units = this.units;
    for (let i = 0; i < n; i++) units[from + i] = externalId.charCodeAt(i);
    this.starts[k + 1] = from + n;
    this.ids[k] = id;
    this.optionCounts[k] = optionCount;
    this.golds[k] = gold;
    this.length = k + 1;
    this.index?.insert(k, externalId);
    return k;
  }

  /** Sets the stored questions from a load (LoadedQuestions). Only on an empty instance. */
  setLoaded(units: Uint16Array<ArrayBuffer>, starts: Int32Array<ArrayBuffer>, ids: Int32Array<ArrayBuffer>, optionCounts: Int32Array<ArrayBuffer>, golds: Int32Array<ArrayBuffer>, n: number): void {
    if (this.length !== 0) throw new Error("setLoaded on a StoredQuestions that has entries");
    this.units = units;
    this.starts = starts;
    this.ids = ids;
    this.optionCounts = optionCounts;
    this.golds = golds;
    this.firstFile = new Int32Array(ids.length);
    this.firstLine = new Float64Array(ids.length);
    this.length = n;
  }

  /**
   * Puts the entries in ascending id order, if they are not (before anything else uses them: run-rows.ts merges the
   * stored ids with the new ones, and rows usually come in the order the questions were stored). Returns whether it
   * had to sort.
   */
  sortById(): boolean {
    const ids = this.ids;
    const n = this.length;
    let ascending = true;
    for (let k = 1; k < n && ascending; k++) ascending = ids[k - 1] < ids[k];
    if (ascending) return false;
    const order = Int32Array.from({ length: n }, (_, k) => k).sort((a, b) => ids[a] - ids[b]);
    for (const column of [this.ids, this.optionCounts, this.golds, this.firstFile, this.firstLine]) {
      const was = column.slice(0, n);
      for (let k = 0; k < n; k++) column[k] = was[order[k]];
    }
    const units = new Uint16Array(this.units.length);
    const starts = new Int32Array(this.starts.length);
    for (let k = 0; k < n; k++) {
      const from = this.starts[order[k]];
      const to = this.starts[order[k] + 1];
      units.set(this.units.subarray(from, to), starts[k]);
      starts[k + 1] = starts[k] + (to - from);
    }
    this.units = units;
    this.starts = starts;
    if (this.index) this.index = this.buildIndex();
    return true;
  }

  /** Whether entry k's external id is s. */
  is(k: number, s: string): boolean {
    const from = this.starts[k];
    const n = s.length;
    if (this.starts[k + 1] - from !== n) return false;
    const units = this.units;
    for (let i = 0; i < n; i++) if (units[from + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** The hash of entry k's external id under `seed`, equal to hashString of its string. */
  hashEntry(k: number, seed: number): number {
    let h = seed;
    const units = this.units;
    for (let i = this.starts[k], end = this.starts[k + 1]; i < end; i++) h = Math.imul(h ^ units[i], FNV_PRIME);
    return finalMix(h);
  }

  private buildIndex(): IdIndex {
    const index = new IdIndex(this, this.maxProbe);
    for (let k = 0; k < this.length; k++) index.insert(k, null);
    return index;
  }
}

const FNV_PRIME = 0x01000193;

/** MurmurHash3's finaliser: every input bit reaches the low bits the table is indexed by. */
function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashString(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return finalMix(h);
}

/**
 * Probes (slots looked at) past which an IdIndex stops hashing: its load factor is at most 1/2, so ordinary ids need
 * one or two; a long run means ids chosen to collide.
 */
const MAX_PROBE = 64;

/**
 * External id → entry: an open-addressing table (linear probing, at most half full) of entry + 1, over the entries'
 * code units, hashed with a seed drawn per table (FNV-1a over the code units, then MurmurHash3's finaliser). Should a
 * file's ids still collide — a run of more than maxProbe occupied slots — the index moves every entry into a Map
 * (V8's own seeded hash) and answers from it: never quadratic, whatever the ids.
 */
class IdIndex {
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private readonly seed = (Math.random() * 0x100000000) | 0;
  private fallback: Map<string, number> | null = null;

  constructor(private readonly q: StoredQuestions, private readonly maxProbe: number) {
    let size = 1024;
    while (size < q.size * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  find(s: string): number {
    if (this.fallback) return this.fallback.get(s) ?? -1;
    const slots = this.slots;
    let i = hashString(s, this.seed) & this.mask;
    for (let probe = 0; ; probe++) {
      const e = slots[i];
      if (e === 0) return -1;
      if (this.q.is(e - 1, s)) return e - 1;
      if (probe === this.maxProbe) return this.toMap().get(s) ?? -1;
      i = (i + 1) & this.mask;
    }
  }

  /** Indexes entry k (whose id is `s`, or read from the entries when null). */
  insert(k: number, s: string | null): void {
    if (this.fallback) {
      this.fallback.set(s ?? this.q.externalId(k), k);
      return;
    }
    if (2 * (this.count + 1) > this.slots.length) this.rehash();
    if (!this.place(k, s)) this.toMap();
  }

  private place(k: number, s: string | null): boolean {
    const slots = this.slots;
    let i = (s === null ? this.q.hashEntry(k, this.seed) : hashString(s, this.seed)) & this.mask;
    for (let probe = 0; slots[i] !== 0; probe++) {
      if (probe === this.maxProbe) return false;
      i = (i + 1) & this.mask;
    }
    slots[i] = k + 1;
    this.count++;
    return true;
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.slots.length - 1;
    this.count = 0;
    for (const e of old) if (e !== 0 && !this.place(e - 1, null)) return void this.toMap();
  }

  /** Every entry of q (those inserted so far are all of them: entries are indexed as they are added) into a Map. */
  private toMap(): Map<string, number> {
    if (!this.fallback) {
      const m = new Map<string, number>();
      for (let k = 0; k < this.q.size; k++) {
        const id = this.q.externalId(k);
        if (!m.has(id)) m.set(id, k);
      }
      this.fallback = m;
    }
    return this.fallback;
  }
}

const UTF16 = new TextDecoder("utf-16le");

/**
 * A language's stored questions as they come from the binary COPY: the external ids' UTF-8 bytes appended to one
 * buffer, transcoded to UTF-16 code units once at the end (natively), their lengths in code units counted from the
 * bytes (a code unit per byte that does not continue a character, two for a 4-byte character; the server sends valid
 * UTF-8).
 */
export class LoadedQuestions {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private starts = new Int32Array(INITIAL_ENTRIES + 1);
  private ids = new Int32Array(INITIAL_ENTRIES);
  private optionCounts = new Int32Array(INITIAL_ENTRIES);
  private golds = new Int32Array(INITIAL_ENTRIES);
  private n = 0;

  add(t: BinaryTuple): void {
    const n = this.n;
    if (n === this.ids.length) {
      this.ids = grown(this.ids, n + 1);
      this.optionCounts = grown(this.optionCounts, n + 1);
      this.golds = grown(this.golds, n + 1);
      this.starts = grown(this.starts, this.ids.length + 1);
    }
    const from = t.start[0];
    const len = t.len[0];
    this.bytes = grown(this.bytes, this.used + len);
    const src = t.buf;
    const dst = this.bytes;
    let units = 0;
    for (let i = 0, at = this.used; i < len; i++) {
      const b = src[from + i];
      dst[at + i] = b;
      if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
    }
    this.used += len;
    this.starts[n + 1] = this.starts[n] + units;
    this.ids[n] = t.int4(1);
    this.optionCounts[n] = t.int4(2);
    this.golds[n] = t.int4(3);
    this.n = n + 1;
  }

  into(q: StoredQuestions): void {
    const total = this.starts[this.n];
    const units = new Uint16Array(Math.max(total, 1024));
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.used).toString("utf8");
    if (text.length !== total) throw new Error(`stored external ids are not valid UTF-8 (${text.length} code units, ${total} counted)`);
    if (LITTLE_ENDIAN) Buffer.from(units.buffer).write(text, 0, "utf16le");
    else for (let i = 0; i < total; i++) units[i] = text.charCodeAt(i);
    q.setLoaded(units, this.starts, this.ids, this.optionCounts, this.golds, this.n);
  }
}

/** Uint16Array's byte order is the machine's; Buffer's "utf16le" is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export async function loadStoredQuestions(
  client: pg.ClientBase,
  benchmarkId: number,
  language: string,
): Promise<StoredQuestions> {
  const loaded = new LoadedQuestions();
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
    (t) => loaded.add(t),
  );
  const q = new StoredQuestions();
  loaded.into(q);
  q.sortById();
  q.stored = q.size;
  return q;
}
