/**
 * Input limits of the importer. Both are read per import so tests and operators can change them
 * through the environment without restarting anything.
 */
import { AtlasError } from "../errors";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface ImportLimits {
  /** Largest accepted input file (bytes): ATLAS_IMPORT_MAX_BYTES, default 20 GiB. */
  maxFileBytes: number;
  /** Longest accepted line (bytes, without the newline): ATLAS_IMPORT_MAX_LINE_BYTES, default 16 MiB. */
  maxLineBytes: number;
}

export function importLimits(env: NodeJS.ProcessEnv = process.env): ImportLimits {
  return {
    maxFileBytes: positive(env.ATLAS_IMPORT_MAX_BYTES, 20 * GIB, "ATLAS_IMPORT_MAX_BYTES"),
    maxLineBytes: positive(env.ATLAS_IMPORT_MAX_LINE_BYTES, 16 * MIB, "ATLAS_IMPORT_MAX_LINE_BYTES"),
  };
}

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new AtlasError("INTERNAL", `${name} must be a positive integer (got "${raw}")`);
  return n;
}

/**
 * A size threshold from the environment (rows or bytes from which an import changes strategy): a non-negative
 * number, else the default. Unlike the limits above, a bad value only falls back: no input is refused because of it.
 */
export function thresholdFromEnv(raw: string | undefined, fallback: number): number {
  const n = Number(raw ?? fallback);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function tooLarge(message: string, where: { file?: string; line?: number } = {}): AtlasError {
  return new AtlasError("TOO_LARGE", message, where);
}
