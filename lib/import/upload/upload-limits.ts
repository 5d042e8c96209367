/**
 * Limits of POST /api/imports uploads, read per request from the environment (like importLimits) so operators and
 * tests change them without a restart. Each is refused with 413 (507 for free space) before more is written.
 */
import { importLimits } from "../limits";
import { readEnv, type EnvSource } from "../../env";

export interface UploadLimits {
  /** Largest file: ATLAS_UPLOAD_MAX_FILE_BYTES, default 2 GiB (never above ATLAS_IMPORT_MAX_BYTES). */
  maxFileBytes: number;
  /** Most files in one request: ATLAS_UPLOAD_MAX_FILES, default 64. */
  maxFiles: number;
  /** Largest request body (all files and fields): ATLAS_UPLOAD_MAX_TOTAL_BYTES, default 4 GiB. */
  maxTotalBytes: number;
  /** Free space the data dir must keep after the upload: ATLAS_UPLOAD_MIN_FREE_BYTES, default 1 GiB. */
  minFreeBytes: number;
}

export function uploadLimits(env: EnvSource = process.env): UploadLimits {
  return {
    maxFileBytes: Math.min(readEnv("ATLAS_UPLOAD_MAX_FILE_BYTES", env), importLimits(env).maxFileBytes),
    maxFiles: readEnv("ATLAS_UPLOAD_MAX_FILES", env),
    maxTotalBytes: readEnv("ATLAS_UPLOAD_MAX_TOTAL_BYTES", env),
    minFreeBytes: readEnv("ATLAS_UPLOAD_MIN_FREE_BYTES", env),
  };
}

/** The name of the variable behind a limit, for messages. */
export const LIMIT_VARIABLES = {
  maxFileBytes: "ATLAS_UPLOAD_MAX_FILE_BYTES",
  maxFiles: "ATLAS_UPLOAD_MAX_FILES",
  maxTotalBytes: "ATLAS_UPLOAD_MAX_TOTAL_BYTES",
  minFreeBytes: "ATLAS_UPLOAD_MIN_FREE_BYTES",
} as const;
