/**
 * Limits of POST /api/imports uploads, read per request from the environment (like importLimits) so operators and
 * tests change them without a restart. Each is refused with 413 (507 for free space) before more is written.
 */
import { importLimits } from "../limits";
import { AtlasError } from "../../errors";

const GIB = 1024 ** 3;

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

export function uploadLimits(env: Record<string, string | undefined> = process.env): UploadLimits {
  return {
    maxFileBytes: Math.min(
      read(env, "ATLAS_UPLOAD_MAX_FILE_BYTES", 2 * GIB, 1),
      importLimits(env as NodeJS.ProcessEnv).maxFileBytes,
    ),
    maxFiles: read(env, "ATLAS_UPLOAD_MAX_FILES", 64, 1),
    maxTotalBytes: read(env, "ATLAS_UPLOAD_MAX_TOTAL_BYTES", 4 * GIB, 1),
    minFreeBytes: read(env, "ATLAS_UPLOAD_MIN_FREE_BYTES", GIB, 0),
  };
}

function read(env: Record<string, string | undefined>, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min)
    throw new AtlasError("INTERNAL", `${name} must be an integer ≥ ${min} (got "${raw}")`);
  return n;
}

/** The name of the variable behind a limit, for messages. */
export const LIMIT_VARIABLES = {
  maxFileBytes: "ATLAS_UPLOAD_MAX_FILE_BYTES",
  maxFiles: "ATLAS_UPLOAD_MAX_FILES",
  maxTotalBytes: "ATLAS_UPLOAD_MAX_TOTAL_BYTES",
  minFreeBytes: "ATLAS_UPLOAD_MIN_FREE_BYTES",
} as const;
