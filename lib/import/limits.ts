/**
 * Input limits of the importer. Both are read per import so tests and operators can change them
 * through the environment without restarting anything.
 */
import { AtlasError } from "../errors";
import { readEnv, type EnvSource } from "../env";

export interface ImportLimits {
  /** Largest accepted input file (bytes): ATLAS_IMPORT_MAX_BYTES, default 20 GiB. */
  maxFileBytes: number;
  /** Longest accepted line (bytes, without the newline): ATLAS_IMPORT_MAX_LINE_BYTES, default 16 MiB. */
  maxLineBytes: number;
}

export function importLimits(env: EnvSource = process.env): ImportLimits {
  return {
    maxFileBytes: readEnv("ATLAS_IMPORT_MAX_BYTES", env),
    maxLineBytes: readEnv("ATLAS_IMPORT_MAX_LINE_BYTES", env),
  };
}

export function tooLarge(message: string, where: { file?: string; line?: number } = {}): AtlasError {
  return new AtlasError("TOO_LARGE", message, where);
}
