/**
 * Raw rows of a dataset file, each with its place for error messages: JSONL and CSV by line number (streamed
 * with the importer's line reader, so the same size limits apply), Parquet by 0-based row index (hyparquet reads
 * the file whole: one language split is at most a few tens of MB).
 */
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { badInput } from "../errors";
import { CsvReader } from "../import/read/csv";
import { parseJsonObject } from "../import/read/formats/json-line";
import { importLimits } from "../import/limits";
import { readLineBatches } from "../import/read/lines";
import type { DatasetFormat, RawRow } from "./types";

export async function readRawRows(path: string, format: DatasetFormat): Promise<RawRow[]> {
  switch (format) {
    case "jsonl":
      return readJsonl(path);
    case "csv":
      return readCsv(path);
    case "parquet":
      return readParquet(path);
  }
}

async function readJsonl(path: string): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  const { maxLineBytes } = importLimits();
  for await (const batch of readLineBatches(path, { name: path, maxLineBytes })) {
    batch.lines.forEach((text, i) => {
      const line = batch.first + i;
      if (text.trim() === "") return; // blank lines (a trailing one especially) carry no row
      rows.push({ values: parseJsonObject(text, path, line), where: { file: path, line } });
    });
  }
  return rows;
}

async function readCsv(path: string): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  const { maxLineBytes } = importLimits();
  const reader = new CsvReader(path, maxLineBytes);
  let header: string[] | null = null;
  for await (const batch of readLineBatches(path, { name: path, maxLineBytes })) {
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
  }
  reader.finish();
  if (!header) throw badInput("empty CSV file (no header)", { file: path });
  return rows;
}

async function readParquet(path: string): Promise<RawRow[]> {
  let objects: Record<string, unknown>[];
  try {
    objects = await parquetReadObjects({ file: await asyncBufferFromFile(path) });
  } catch (e) {
    const message = (e as Error).message;
    const hint = /compress|codec/i.test(message) ? " (only uncompressed and snappy Parquet can be read: re-save with snappy)" : "";
    throw badInput(`cannot read Parquet: ${message}${hint}`, { file: path });
  }
  return objects.map((values, i) => ({ values, where: { file: `${path}, row ${i}` } }));
}
