/**
 * The files of one import, before anything is written: directories walked, sizes checked, each file's format
 * detected (or forced). Their sha256 — the source files a run's provenance records, and what its import key is made
 * of — is taken by hashFiles when the import may repeat an earlier one (import-files.ts), else while the files are
 * read (read-records.ts).
 */
import { badInput } from "../errors";
import type { ImportLimits } from "./limits";
import type { ImportOptions } from "./import-options";
import { importKey, sha256File } from "./provenance";
import { detectFileFormat } from "./read/detect";
import { resolveInputs } from "./read/files";
import type { PlannedFile } from "./read/read-records";
import type { ParseOptions } from "./read/record";

export async function planFiles(opts: ImportOptions, parse: ParseOptions, limits: ImportLimits): Promise<PlannedFile[]> {
  const inputs = await resolveInputs(opts.files, opts.names, limits.maxFileBytes);
  const planned: PlannedFile[] = [];
  for (const f of inputs) {
    const format = opts.format ?? (await detectFileFormat(f.path, f.name, limits.maxLineBytes));
    if (parse.normalize !== "none" && format !== "lm-eval") {
      throw badInput(`--normalize applies to lm-eval sample files only (this file is ${format})`, {
        file: f.name,
        field: "normalize",
      });
    }
    planned.push({ ...f, source: { name: f.name, sha256: "", bytes: f.bytes, format } });
  }
  return planned;
}

/** Takes every file's sha256 before the import reads them (a first pass over the bytes). */
export async function hashFiles(planned: PlannedFile[], opts: ImportOptions): Promise<void> {
  const bytesTotal = planned.reduce((a, f) => a + f.bytes, 0);
  let hashed = 0;
  for (const f of planned) {
    f.source.sha256 = await sha256File(f.path);
    hashed += f.bytes;
    opts.onProgress?.({ phase: "hashing", bytesRead: hashed, bytesTotal, rows: 0 });
  }
}

/** The import key of these files (every sha256 taken). */
export function keyOf(opts: Pick<ImportOptions, "model" | "benchmark">, parse: ParseOptions, planned: PlannedFile[]): string {
  const unhashed = planned.find((f) => f.source.sha256 === "");
  if (unhashed) throw new Error(`no sha256 for ${unhashed.name}: the import key needs every file read or hashed`);
  return importKey({ model: opts.model, benchmark: opts.benchmark, files: planned.map((p) => p.source), ...parse });
}
