/** Test helpers: parse a file without a database, and write throwaway input files. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { statSync } from "node:fs";
import { AtlasError } from "../../lib/errors";
import { detectFileFormat } from "../../lib/import/read/detect";
import { fileRecords } from "../../lib/import/read/read-records";
import type { Format, ImportRecord, ParseOptions } from "../../lib/import/read/record";

export const FIXTURES = path.resolve(__dirname, "../fixtures/imports");

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

export async function parseFile(
  file: string,
  parse: Partial<ParseOptions> = {},
  format?: Format,
  optionCount?: number,
): Promise<ImportRecord[]> {
  const name = path.basename(file);
  const fmt = format ?? (await detectFileFormat(file, name, 1 << 24));
  const planned = {
    path: file,
    name,
    bytes: statSync(file).size,
    source: { name, sha256: "", bytes: 0, format: fmt },
  };
  const out: ImportRecord[] = [];
  const opts = {
    parse: { normalize: "none" as const, renormalize: false, ...parse },
    maxLineBytes: 1 << 24,
    optionCount,
    benchmark: "B",
  };
  for await (const batch of fileRecords(planned, opts)) out.push(...batch);
  return out;
}

let dir: string | null = null;

/** Writes `content` to a fresh temp file named `name` and returns its path. */
export function tempFile(name: string, content: string | Buffer): string {
  dir ??= mkdtempSync(path.join(tmpdir(), "atlas-import-test-"));
  const sub = mkdtempSync(path.join(dir, "f-"));
  const p = path.join(sub, name);
  writeFileSync(p, content);
  return p;
}

/** The AtlasError a promise rejects with (anything else, or no rejection, fails the test). */
export async function failure(p: Promise<unknown>): Promise<AtlasError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AtlasError) return e;
    throw e;
  }
  throw new Error("expected an AtlasError");
}
