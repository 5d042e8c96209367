/**
 * A small RFC 4180 CSV reader fed one physical line at a time (from lines.ts), so quoted fields may
 * span lines while the file is still streamed. Strict on purpose: a stray quote or text after a
 * closing quote is reported with its line rather than guessed at.
 *
 * Kept instead of csv-parse: `npm run bench:libraries` measured this reader (with lines.ts, as the importer runs it)
 * at 4.0× csv-parse's throughput on a generated 100 MB file with quoted multi-line fields (28.1 vs 7.0 MB/s, the
 * same 1,272,765 records; docs/benchmarks.md), and csv-parse neither refuses invalid UTF-8 nor stops an over-long
 * line as its bytes arrive, which lines.ts does.
 */
import { badInput } from "../../errors";
import { tooLarge } from "../limits";

export interface CsvRecord {
  fields: string[];
  /** Line on which the record starts. */
  line: number;
}

export class CsvReader {
  private fields: string[] = [];
  private field = "";
  private open = false; // inside a quoted field that continues on the next line
  private startLine = 0;
  private length = 0;

  constructor(
    private readonly file: string,
    private readonly maxRecordChars: number,
    private readonly delimiter = ",",
  ) {}

  /** Feeds one line (without its newline); returns a completed record, or null while a quoted field is open. */
  push(line: string, lineNo: number): CsvRecord | null {
    if (!this.open) {
      // Fast path: most numeric rows have no quotes at all.
      if (line.indexOf('"') < 0) return { fields: line.split(this.delimiter), line: lineNo };
      this.startLine = lineNo;
      this.fields = [];
      this.field = "";
      this.length = line.length;
      const quoted = line[0] === '"';
      return this.scan(line, quoted ? 1 : 0, quoted, lineNo);
    }
    this.length += line.length + 1;
    if (this.length > this.maxRecordChars) {
      throw tooLarge(`quoted field longer than ${this.maxRecordChars} bytes`, {
        file: this.file,
        line: this.startLine,
      });
    }
    this.field += "\n";
    return this.scan(line, 0, true, lineNo);
  }

  /** Call at end of input: an open quoted field means the file was truncated or malformed. */
  finish(): void {
    if (this.open) throw badInput("unterminated quoted field", { file: this.file, line: this.startLine });
  }

  private scan(line: string, from: number, quoted: boolean, lineNo: number): CsvRecord | null {
    const d = this.delimiter;
    let i = from;
    let inQuotes = quoted;
    for (;;) {
      if (inQuotes) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          this.field += line.slice(i);
          this.open = true;
          return null;
        }
        this.field += line.slice(i, q);
        if (line[q + 1] === '"') {
          this.field += '"';
          i = q + 2;
          continue;
        }
        inQuotes = false;
        i = q + 1;
        if (i === line.length) break;
        if (line[i] !== d)
          throw badInput(`unexpected character after closing quote`, { file: this.file, line: lineNo });
        this.fields.push(this.field);
        this.field = "";
        i++;
        if (line[i] === '"') {
          inQuotes = true;
          i++;
        }
        continue;
      }
      // Unquoted field: runs to the next delimiter.
      const next = line.indexOf(d, i);
      const end = next < 0 ? line.length : next;
      const text = line.slice(i, end);
      if (text.includes('"'))
        throw badInput(`unexpected quote inside an unquoted field`, { file: this.file, line: lineNo });
      this.field += text;
      if (next < 0) break;
      this.fields.push(this.field);
      this.field = "";
      i = next + 1;
      if (line[i] === '"') {
        inQuotes = true;
        i++;
      }
    }
    this.fields.push(this.field);
    const rec = { fields: this.fields, line: this.startLine };
    this.fields = [];
    this.field = "";
    this.open = false;
    return rec;
  }
}
