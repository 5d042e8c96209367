/**
 * The streaming half of an import: reads each file line by line, parses rows with the file's format,
 * validates what can be validated row by row, and yields COPY chunks for the staging table (one chunk
 * per slice of SLICE_LINES lines). Memory stays flat: nothing outlives its chunk except small per-import tallies.
 */
import { createHash } from "node:crypto";
import { badInput } from "../../errors";
import { LANGUAGE_CODE } from "../write/catalog";
import { FORMAT_SPECS } from "./formats";
import type { InputFile } from "./files";
import { lineOf, readLineRuns } from "./lines";
import type { SourceFile } from "../provenance";
import type { ImportRecord, ParseOptions } from "./record";
import { checkRecordLimits } from "./record-limits";
import { encodeRecord } from "../write/stage";

export interface PlannedFile extends InputFile {
  source: SourceFile;
}

export interface ReadTally {
  rows: number;
  bytesRead: number;
  bytesTotal: number;
  /** Rows per language code. */
  languages: Map<string, number>;
  maxOptions: number;
  scoringMethods: Set<string>;
  /** Some row has no gold label (Plaut files): classwise metrics are unavailable for the run. */
  topLabelOnly: boolean;
}

export interface ReadOptions {
  parse: ParseOptions;
  maxLineBytes: number;
  /** The benchmark's option count when known before reading: rows with more options are rejected. */
  optionCount?: number;
  benchmark: string;
  onBatch?: (tally: ReadTally) => void;
}

export function newTally(files: PlannedFile[]): ReadTally {
  return {
    rows: 0,
    bytesRead: 0,
    bytesTotal: files.reduce((a, f) => a + f.bytes, 0),
    languages: new Map(),
    maxOptions: 0,
    scoringMethods: new Set(),
    topLabelOnly: false,
  };
}

/** The validated records of all files in order, one batch per chunk read; an empty file is an error. */
export async function* recordBatches(
  files: PlannedFile[],
  opts: ReadOptions,
  tally: ReadTally,
): AsyncGenerator<{ fileIdx: number; records: ImportRecord[] }> {
  for (let fileIdx = 0; fileIdx < files.length; fileIdx++) {
    const f = files[fileIdx];
    const before = tally.rows;
    for await (const records of fileRecords(f, opts, tally)) {
      opts.onBatch?.(tally);
      yield { fileIdx, records };
    }
    if (tally.rows === before) throw badInput(`empty file: no data rows`, { file: f.name });
  }
}

/** The records as COPY chunks for the staging table. */
export async function* stagedChunks(
  files: PlannedFile[],
  opts: ReadOptions,
  tally: ReadTally,
): AsyncGenerator<string> {
  for await (const { fileIdx, records } of recordBatches(files, opts, tally)) {
    let out = "";
    for (const rec of records) out += encodeRecord(rec, fileIdx);
    // Encoded: drop the records before this generator (and the readers' above it, which hold the same array) waits at
    // the yield for the COPY to take the chunk, as the direct path does (direct-path.ts).
    records.length = 0;
    if (out) yield out;
  }
}

/**
 * Lines parsed between two turns of the event loop (~10 ms of parsing): small enough that the COPY stream's pending
 * socket writes go out often, large enough that the turns cost nothing measurable.
 */
const SLICE_LINES = 2048;

const turnEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The validated records of one file, one array per slice of a chunk read (SLICE_LINES). Also hashes the bytes read: the
 * file's sha256 when it was not hashed before, else checked against that sha256 — the import key was then computed
 * from a first pass, and data that is not what was hashed must not be stored under that key.
 */
export async function* fileRecords(
  f: PlannedFile,
  opts: ReadOptions,
  tally: ReadTally = newTally([f]),
): AsyncGenerator<ImportRecord[]> {
  const ctx = { name: f.name, options: opts.parse, maxLineBytes: opts.maxLineBytes };
  const parser = FORMAT_SPECS[f.source.format].create(ctx);
  const hash = createHash("sha256");
  for await (const lines of readLineRuns(f.path, {
    name: f.name,
    maxLineBytes: opts.maxLineBytes,
    onChunk: (c) => {
      hash.update(c);
      tally.bytesRead += c.length;
    },
  })) {
    for (let from = 0; from < lines.count; from += SLICE_LINES) {
      // Let the event loop run between slices: the socket writes of the COPY this feeds go out while the next slice
      // is parsed, so the server is not left waiting for a whole chunk's worth of parsing.
      if (from > 0) await turnEventLoop();
      const to = Math.min(lines.count, from + SLICE_LINES);
      const out: ImportRecord[] = [];
      // Rows come in long runs of one language: count runs, not rows, in the Map.
      let lang = "";
      let run = 0;
      for (let i = from; i < to; i++) {
        const rec = parser.lineIn
          ? parser.lineIn(lines.text, lines.starts[i], lines.ends[i], lines.first + i)
          : parser.line(lineOf(lines, i), lines.first + i);
        if (!rec) continue;
        validate(rec, f.name, opts);
        tally.rows++;
        if (rec.language !== lang) {
          if (run > 0) tally.languages.set(lang, (tally.languages.get(lang) ?? 0) + run);
          lang = rec.language;
          run = 0;
        }
        run++;
        if (rec.optionCount > tally.maxOptions) tally.maxOptions = rec.optionCount;
        if (rec.gold === null) tally.topLabelOnly = true;
        out.push(rec);
      }
      if (run > 0) tally.languages.set(lang, (tally.languages.get(lang) ?? 0) + run);
      if (out.length > 0) yield out;
    }
  }
  parser.end();
  const method = parser.scoringMethod();
  if (method) tally.scoringMethods.add(method);
  // Hashed before (plan-files.ts): the bytes read must be those, as the import key was made of them. Otherwise the
  // import key is made of this hash.
  const sha256 = hash.digest("hex");
  if (f.source.sha256 === "") f.source.sha256 = sha256;
  else if (sha256 !== f.source.sha256) throw badInput(`file changed while it was being imported`, { file: f.name });
}

/** Row checks common to all formats; rewrites the language code to its canonical lower case. */
let lastCode = "";

function validate(r: ImportRecord, file: string, opts: ReadOptions): void {
  if (r.language !== lastCode) {
    const code = r.language.trim().toLowerCase();
    if (!LANGUAGE_CODE.test(code)) {
      throw badInput(
        `unknown language ${JSON.stringify(r.language)}: expected an ISO 639 code of 2–3 letters`,
        { file, line: r.line, field: "language" },
      );
    }
    if (code !== r.language) r.language = code;
    else lastCode = code; // the common case: already canonical, skip the checks on the next rows
  }
  checkRecordLimits(r, file);
  if (opts.optionCount !== undefined && r.optionCount > opts.optionCount) {
    throw badInput(
      `${r.optionCount} options, more than benchmark "${opts.benchmark}" has (${opts.optionCount})`,
      { file, line: r.line },
    );
  }
}
