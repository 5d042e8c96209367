/**
 * Planning's pass over a dataset: reads every file once, batch by batch (lib/datasets scanDataset, with all of
 * loadDataset's checks), and writes the test questions of the planned languages into Question as they come, one
 * binary COPY per language. Memory is bounded by one batch of questions (a 1 MiB read of JSONL or CSV, one Parquet
 * row group) plus one language's stored ids, whatever the size of the benchmark; holding the whole of GlobalMMLU
 * (590k questions) took ~1 GB.
 *
 * Same rows as the statement-per-chunk upsert it replaces (upsertQuestions): new questions are inserted in the same
 * order (languages in the order of their first test file, each language's files in folder order), a stored question
 * missing its text, options or gold gains them (through upsertQuestions), and a complete one is not written at all —
 * so re-planning reads the data and writes nothing. To know which questions are stored while COPYing the others,
 * the transaction takes the Question table in SHARE ROW EXCLUSIVE mode (as large imports do): no other transaction
 * can add or change questions until it commits, while predictions (whose FK checks take ROW SHARE) are still written.
 */
import type pg from "pg";
import { badInput } from "../../lib/errors";
import { scanDataset, type DatasetFile, type DatasetLayout, type DatasetQuestion, type QuestionBatch } from "../../lib/datasets";
import { BinaryRowWriter, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from "../../lib/db/copy-binary";
import { copyRows } from "../../lib/import/write/copy-writer";
import { enterBulkMode, leaveBulkMode, lockCatalogRows } from "../../lib/import/write/fk-fast-path";
import { upsertQuestions } from "./questions";

/** Which test files planning writes: those of these languages (all when empty), at most `limit` questions each. */
export interface PlanSelection {
  languages: ReadonlySet<string>;
  limit?: number;
}

const planned = (file: DatasetFile, sel: PlanSelection) =>
  file.split === "test" && (sel.languages.size === 0 || sel.languages.has(file.language));

/**
 * The files in reading order: each language and split's files together, in the order of their first file, so that
 * one COPY writes a language and the questions get the ids they got when the whole dataset was read first.
 */
export function readingOrder(files: readonly DatasetFile[]): DatasetFile[] {
  const rank = new Map<string, number>();
  for (const f of files) {
    const key = `${f.language}\u0000${f.split}`;
    if (!rank.has(key)) rank.set(key, rank.size);
  }
  return files
    .map((f, i) => ({ f, i, r: rank.get(`${f.language}\u0000${f.split}`)! }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.f);
}

/** The planned languages in the order their questions are written. */
export function plannedLanguages(files: readonly DatasetFile[], sel: PlanSelection): string[] {
  return [...new Set(readingOrder(files).filter((f) => planned(f, sel)).map((f) => f.language))];
}

/**
 * The largest option count among the questions planning keeps: a reading pass of the planned files alone, needed
 * only to create a benchmark whose option count is not known (KNOWN_OPTION_COUNTS) before its questions are written.
 */
export async function plannedOptionCount(files: readonly DatasetFile[], sel: PlanSelection): Promise<number> {
  let max = 0;
  const kept = new Map<string, number>();
  for await (const { file, questions } of scanDataset(readingOrder(files).filter((f) => planned(f, sel)))) {
    let n = kept.get(file.language) ?? 0;
    for (const q of questions) {
      if (sel.limit && n >= sel.limit) break;
      n++;
      if (q.options.length > max) max = q.options.length;
    }
    kept.set(file.language, n);
  }
  return max;
}

export interface StoredPlan {
  /** The dataset's layout (that of its first file; scanDataset refuses any other). */
  layout: DatasetLayout;
  /** Planned language → number of its test questions (after `limit`), in writing order. */
  totals: Map<string, number>;
  /** The most questions held at once (a batch, plus the stored-but-incomplete ones of a language): the memory bound. */
  maxQuestionsHeld: number;
}

/** The stored questions of one benchmark and language: complete ones, and those missing text, options or gold. */
async function storedIds(client: pg.ClientBase, benchmarkId: number, language: string): Promise<{ complete: Set<string>; incomplete: Set<string> }> {
  const r = await client.query<{ complete: string[] | null; incomplete: string[] | null }>(
    `SELECT array_agg("externalId") FILTER (WHERE NOT missing) AS complete, array_agg("externalId") FILTER (WHERE missing) AS incomplete
       FROM (SELECT "externalId", ("subject" IS NULL OR "text" IS NULL OR "options" = '[]'::jsonb OR "gold" IS NULL) AS missing
               FROM "Question" WHERE "benchmarkId" = $1 AND "languageCode" = $2) q`,
    [benchmarkId, language],
  );
  return { complete: new Set(r.rows[0].complete ?? []), incomplete: new Set(r.rows[0].incomplete ?? []) };
}

const QUESTION_COPY_SQL = `COPY "Question" ("benchmarkId", "languageCode", "externalId", "subject", "text", "options", "optionCount", "gold", "subjectCategory", "culturalLabel", "src") FROM STDIN WITH (FORMAT binary)`;
const FLUSH_BYTES = 1 << 20;

function encodeQuestion(w: BinaryRowWriter, benchmarkId: number, q: DatasetQuestion): void {
  w.row(11).int4(benchmarkId).text(q.language).text(q.externalId).text(q.subject).text(q.question).jsonb(JSON.stringify(q.options)).int4(q.options.length).int4(q.gold);
  // The slice attributes (lib/slices/fields.ts), absent in datasets that do not have them.
  for (const v of [q.slice?.subjectCategory, q.slice?.culturalLabel, q.slice?.src]) if (v == null) w.null(); else w.text(v);
}

/**
 * Reads every file of the dataset (planned or not: a bad row anywhere is refused, as before) and stores the planned
 * test questions. Runs inside the caller's transaction; the benchmark and the planned languages must exist.
 */
export async function storePlannedQuestions(
  client: pg.ClientBase,
  benchmark: { id: number; name: string; optionCount: number },
  files: readonly DatasetFile[],
  sel: PlanSelection,
): Promise<StoredPlan> {
  await client.query(`LOCK TABLE "Question" IN SHARE ROW EXCLUSIVE MODE`);
  // Question's FK triggers (→ Benchmark, → Language) cost more than the rows themselves; fk-fast-path.ts explains
  // when they may be skipped and takes their locks instead.
  const bulk = await enterBulkMode(client);
  if (bulk) await lockCatalogRows(client, benchmark.id, plannedLanguages(files, sel));

  const totals = new Map<string, number>();
  let maxHeld = 0;
  const batches = scanDataset(readingOrder(files))[Symbol.asyncIterator]();
  let next: IteratorResult<QuestionBatch> = await batches.next();
  const layout = next.done ? null : next.value.layout;
  try {
    while (!next.done) {
      const { file } = next.value;
      if (!planned(file, sel)) {
        next = await batches.next(); // read for its checks only
        continue;
      }
      const language = file.language;
      const stored = await storedIds(client, benchmark.id, language);
      const incomplete: DatasetQuestion[] = [];
      let kept = 0;
      const writer = new BinaryRowWriter();
      // This language's files are consecutive in reading order: COPY until the next batch is another's.
      const rows = async function* (): AsyncGenerator<Buffer> {
        yield COPY_BINARY_HEADER;
        while (!next.done && next.value.file.language === language && planned(next.value.file, sel)) {
          const { questions } = next.value;
          for (const q of questions) {
            if (sel.limit && kept >= sel.limit) break;
            kept++;
            if (q.options.length > benchmark.optionCount) {
              throw badInput(`questions have ${q.options.length} options but ${benchmark.name} has ${benchmark.optionCount}`, { field: "benchmark" });
            }
            if (stored.complete.has(q.externalId)) continue;
            if (stored.incomplete.has(q.externalId)) incomplete.push(q);
            else encodeQuestion(writer, benchmark.id, q);
          }
          maxHeld = Math.max(maxHeld, questions.length + incomplete.length);
          if (writer.length >= FLUSH_BYTES) yield writer.take();
          next = await batches.next();
        }
        yield writer.take();
        yield COPY_BINARY_TRAILER;
      };
      await copyRows(client, QUESTION_COPY_SQL, rows());
      if (incomplete.length > 0) await upsertQuestions(client, benchmark.id, incomplete);
      totals.set(language, kept);
    }
  } finally {
    await batches.return?.(undefined);
  }
  if (bulk) await leaveBulkMode(client);
  // listDatasetFiles gives at least one file and an empty file is refused, so there was a first batch.
  return { layout: layout!, totals, maxQuestionsHeld: maxHeld };
}
