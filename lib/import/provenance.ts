/**
 * Provenance of an import: per-file sha256, the importer version, and the idempotency key.
 * The key covers what determines the stored result (model, benchmark, per-file format and the
 * options that change parsing, file contents) — not file names or paths — so the same bytes imported
 * again, from anywhere, are recognised.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Format, Normalize } from "./read/record";

/** Recorded on every imported run (Run.importerVersion); bump when parsing or derived values change. */
export const IMPORTER_VERSION = "atlas-import/1";

export interface SourceFile {
  name: string;
  sha256: string;
  bytes: number;
  format: Format;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>)
    h.update(chunk);
  return h.digest("hex");
}

export interface KeyParts {
  model: string;
  benchmark: string;
  files: SourceFile[];
  normalize: Normalize;
  renormalize: boolean;
  language?: string;
  subject?: string;
}

export function importKey(p: KeyParts): string {
  const files = p.files.map((f) => `${f.sha256}:${f.format}`).sort();
  const canonical = JSON.stringify({
    model: p.model,
    benchmark: p.benchmark,
    normalize: p.normalize,
    renormalize: p.renormalize,
    language: p.language ?? null,
    subject: p.subject ?? null,
    files,
  });
  return createHash("sha256").update(canonical).digest("hex");
}
