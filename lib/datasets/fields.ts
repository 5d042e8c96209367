/**
 * Typed access to raw row values, the same whatever the format: CSV gives only strings, JSONL strings or
 * numbers, Parquet strings, numbers or bigints (INT64) and null. Every failure names the row and the field.
 */
import { badInput } from "../errors";
import { badText, MAX_EXTERNAL_ID_BYTES } from "../import/read/record-limits";
import { readSliceFields, type SliceFields, SliceFieldError, type SliceKeys } from "../slices/fields";
import type { RawRow } from "./types";

/** Text of a field, or null when absent, null or blank. Numbers are accepted as their decimal text. */
export function optionalText(row: RawRow, field: string): string | null {
  const v = row.values[field];
  if (v === undefined || v === null) return null;
  if (typeof v === "string") {
    if (v.trim() === "") return null;
    // The same text rules as imports: what Postgres cannot store (NUL, lone surrogates) is refused here, by name.
    const why = badText(v);
    if (why) throw badInput(why, { ...row.where, field });
    return v;
  }
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  throw badInput(`expected text, found ${Array.isArray(v) ? "an array" : typeof v}`, { ...row.where, field });
}

export function requiredText(row: RawRow, field: string): string {
  const text = optionalText(row, field);
  if (text === null) throw badInput(field in row.values ? "empty value" : "missing column", { ...row.where, field });
  return text;
}

/** A question id: required text of at most MAX_EXTERNAL_ID_BYTES bytes (the import limit, also a CHECK constraint). */
export function idText(row: RawRow, field: string): string {
  const id = requiredText(row, field);
  const bytes = Buffer.byteLength(id);
  if (bytes > MAX_EXTERNAL_ID_BYTES)
    throw badInput(`id is ${bytes} bytes: at most ${MAX_EXTERNAL_ID_BYTES} are allowed`, { ...row.where, field });
  return id;
}

/** A non-negative integer given as a number, a bigint or digits; null when absent or blank. */
export function optionalIndex(row: RawRow, field: string): number | null {
  const v = row.values[field];
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return null;
  const n = typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw badInput(`expected a non-negative integer, found ${JSON.stringify(String(v))}`, { ...row.where, field });
  return n;
}

/** An answer letter ("A", " b ") as its 0-based index, checked against the number of options. */
export function letterIndex(row: RawRow, field: string, optionCount: number): number {
  const text = requiredText(row, field).trim().toUpperCase();
  const index = text.length === 1 ? text.charCodeAt(0) - 65 : -1;
  const last = String.fromCharCode(64 + optionCount);
  if (index < 0 || index >= optionCount) throw badInput(`answer "${text}" is not a letter A–${last} of the ${optionCount} options`, { ...row.where, field });
  return index;
}

/** The row's slice attributes (lib/slices/fields.ts rules); a refused value names the row and its column. */
export function sliceFields(row: RawRow, keys: SliceKeys): SliceFields {
  try {
    return readSliceFields((k) => row.values[k], keys);
  } catch (e) {
    if (e instanceof SliceFieldError) throw badInput(e.message, { ...row.where, field: e.field });
    throw e;
  }
}
