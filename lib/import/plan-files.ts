/**
 * The files of one import, before anything is written: directories walked, sizes checked, each file's format
 * detected (or forced) and its sha256 taken — the source files a run's provenance records, and what its import key
 * is made of.
 */
import { badInput } from "../errors";
import type { ImportLimits } from "./limits";
import type { ImportOptions } from "./import-options";
import { sha256File } from "./provenance";
import { detectFileFormat } from "./read/detect";
import { resolveInputs } from "./read/files";
import type { PlannedFile } from "./read/read-records";
import type { ParseOptions } from "./read/record";

export async function planFiles(opts: ImportOptions, parse: ParseOptions, limits: ImportLimits): Promise<PlannedFile[]> {
  const inputs = await resolveInputs(opts.files, opts.names, limits.maxFileBytes);
  const bytesTotal = inputs.reduce((a, f) => a + f.bytes, 0);
  const planned: PlannedFile[] = [];
  let hashed = 0;
  for (const f of inputs) {
    const format = opts.format ?? (await detectFileFormat(f.path, f.name, limits.maxLineBytes));
    if (parse.normalize !== "none" && format !== "lm-eval") {
      throw badInput(`--normalize applies to lm-eval sample files only (this file is ${format})`, {
        file: f.name,
        field: "normalize",
      });
    }
    const sha256 = await sha256File(f.path);
    hashed += f.bytes;
    opts.onProgress?.({ phase: "hashing", bytesRead: hashed, bytesTotal, rows: 0 });
    planned.push({ ...f, source: { name: f.name, sha256, bytes: f.bytes, format } });
  }
  return planned;
}
