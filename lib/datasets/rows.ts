/**
 * Raw rows of a dataset file, each with its place for error messages, in batches so that a caller can stream a
 * file: JSONL and CSV by line number (streamed with the importer's line reader, one batch per 1 MiB read, so the
 * same size limits apply), Parquet by 0-based row index, one row group per batch (hyparquet reads only that row
 * group's column chunks).
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type FileMetaData } from "hyparquet";
import { badInput } from "../errors";
import { CsvReader } from "../import/read/csv";
import { parseJsonObject } from "../import/read/formats/json-line";
import { importLimits } from "../import/limits";
import { readLineBatches } from "../import/read/lines";
import type { DatasetFormat, RawRow } from "./types";

export function rawRowBatches(path: string, format: DatasetFormat): AsyncGenerator<RawRow[]> {
  switch (format) {
    case "jsonl":
      return jsonlBatches(path);
    case "csv":
      return csvBatches(path);
    case "parquet":
      return parquetBatches(path);
  }
}

/** Every row of a file at once (small files; streaming callers use rawRowBatches). */
export async function readRawRows(path: string, format: DatasetFormat): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for await (const batch of rawRowBatches(path, format)) for (const r of batch) rows.push(r);
  return rows;
}

async function* jsonlBatches(path: string): AsyncGenerator<RawRow[]> {
  const { maxLineBytes } = importLimits();
  for await (const batch of readLineBatches(path, { name: path, maxLineBytes })) {
    const rows: RawRow[] = [];
    batch.lines.forEach((text, i) => {
      const line = batch.first + i;
      if (text.trim() === "") return; // blank lines (a trailing one especially) carry no row
      rows.push({ values: parseJsonObject(text, path, line), where: { file: path, line } });
    });
    if (rows.length > 0) yield rows;
  }
}

async function* csvBatches(path: string): AsyncGenerator<RawRow[]> {
  const { maxLineBytes } = importLimits();
  const reader = new CsvReader(path, maxLineBytes);
  let header: string[] | null = null;
  for await (const batch of readLineBatches(path, { name: path, maxLineBytes })) {
    const rows: RawRow[] = [];
    batch.lines.forEach((text, i) => {
      const record = reader.push(text, batch.first + i);
      if (!record) return;
      if (record.fields.length === 1 && record.fields[0] === "") return; // blank line
      if (!header) {
        header = record.fields.map((f) => f.trim());
        return;
      }
      if (record.fields.length !== header.length) {
        throw badInput(`expected ${header.length} fields (as in the header), found ${record.fields.length}`, { file: path, line: record.line });
      }
      const values: Record<string, unknown> = {};
      header.forEach((name, k) => (values[name] = record.fields[k]));
      rows.push({ values, where: { file: path, line: record.line } });
    });
    if (rows.length > 0) yield rows;
  }
  reader.finish();
  if (!header) throw badInput("empty CSV file (no header)", { file: path });
}

function parquetError(e: unknown, path: string): Error {
  const message = (e as Error).message;
  const hint = /compress|codec/i.test(message) ? " (only uncompressed and snappy Parquet can be read: re-save with snappy)" : "";
  return badInput(`cannot read Parquet: ${message}${hint}`, { file: path });
}

async function* parquetBatches(path: string): AsyncGenerator<RawRow[]> {
  let file: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw parquetError(e, path);
  }
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    let objects: Record<string, unknown>[];
    try {
      objects = await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end });
    } catch (e) {
      throw parquetError(e, path);
    }
    const first = start;
    if (objects.length > 0) yield objects.map((values, i) => ({ values, where: { file: `${path}, row ${first + i}` } }));
    start = end;
  }
}
