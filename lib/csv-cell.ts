/**
 * The one CSV writer of the project: every CSV it produces (the UI's exports through lib/charts/export.ts, and
 * `calib report`) is built here. Cells come from imported files (question text, external ids, model names), so two
 * things are guarded:
 *  - formula injection (OWASP "CSV injection"): a text cell that begins with = + - @, a tab or a carriage return is
 *    run as a formula by spreadsheet programs; it gets a leading apostrophe, which they show as text. Numbers stay
 *    numbers: a cell that is a plain decimal number ("-0.5", "+3", "1e-3") is left alone.
 *  - RFC 4180 quoting: a cell holding a quote, comma, LF or a bare CR is quoted, its quotes doubled.
 */
import { DECIMAL } from "./import/read/numbers";

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\n\r]/;

/** One cell, neutralised and quoted as needed. */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (typeof v === "string" && FORMULA_START.test(s) && !DECIMAL.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record (no line terminator). */
export function csvLine(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(",");
}

/** A whole CSV document: the header, then the rows, each line ending in "\n". */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  let out = csvLine(header) + "\n";
  for (const r of rows) out += csvLine(r) + "\n";
  return out;
}

/**
 * Appends one column with the same value on every record of a CSV document written by toCsv (records end in
 * "\n"; a "\n" inside a quoted cell is not a record end). Used to stamp exports with view state they do not
 * carry themselves (the slice: components/ui/ExportBar.tsx).
 */
export function appendCsvColumn(csv: string, name: string, value: CsvValue): string {
  const head = "," + csvCell(name);
  const cell = "," + csvCell(value);
  let out = "";
  let quoted = false;
  let first = true;
  let from = 0;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (ch === '"') quoted = !quoted; // a doubled quote toggles twice: state unchanged
    else if (ch === "\n" && !quoted) {
      out += csv.slice(from, i) + (first ? head : cell) + "\n";
      first = false;
      from = i + 1;
    }
  }
  return out + csv.slice(from);
}
