/**
 * Where model folders may live. Every model folder must resolve (after following symlinks) inside the
 * configured models directory, so a job payload or CLI flag cannot make the worker read arbitrary files
 * (`../../etc`, an absolute path elsewhere, or a symlink that points out of the directory).
 */
import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { badInput } from "../../lib/errors";
import { readEnv } from "../../lib/env";

/** The repository root: two levels above this file (workers/model/). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** ATLAS_MODELS_DIR, default `<repo>/models`. Relative values are taken from the repository root. */
export function modelsDirFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const raw = readEnv("ATLAS_MODELS_DIR", env);
  return raw ? path.resolve(REPO_ROOT, raw) : path.join(REPO_ROOT, "models");
}

/** True when `child` is `parent` or lies below it (both already absolute and normalised). */
function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function realpathOrThrow(p: string, what: string): string {
  try {
    return realpathSync(p);
  } catch {
    throw badInput(`${what} does not exist: ${p}`, { file: p });
  }
}

/**
 * Resolves `folder` (relative to the models directory, or absolute) to its real path and checks that it is a
 * directory inside the models directory. The lexical check runs first so that `../x` is refused even when
 * `x` happens to exist; the real-path check then catches symlinks.
 */
export function resolveModelFolder(folder: string, modelsDir: string = modelsDirFromEnv()): string {
  if (!folder || folder.includes("\0")) throw badInput("empty or invalid model folder", { field: "model" });
  const base = path.resolve(modelsDir);
  const requested = path.resolve(base, folder);
  if (!isInside(base, requested)) {
    throw badInput(`model folder "${folder}" is outside the models directory ${base} (ATLAS_MODELS_DIR)`, { field: "model" });
  }
  const realBase = realpathOrThrow(base, "models directory (ATLAS_MODELS_DIR)");
  const real = realpathOrThrow(requested, "model folder");
  if (!isInside(realBase, real)) {
    throw badInput(`model folder "${folder}" resolves to ${real}, outside the models directory ${realBase} (a symlink?)`, { field: "model" });
  }
  if (!statSync(real).isDirectory()) throw badInput(`model folder "${folder}" is not a directory`, { field: "model" });
  return real;
}

/**
 * Resolves a file of a model folder and checks that it, too, stays inside the models directory: Hugging Face
 * cache snapshots are symlinks into a blobs folder, which is fine as long as that folder is also inside.
 * Returns null when the file does not exist.
 */
export function resolveModelFile(folderReal: string, relative: string, modelsDir: string = modelsDirFromEnv()): string | null {
  const candidate = path.join(folderReal, relative);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return null;
  }
  const realBase = realpathSync(path.resolve(modelsDir));
  if (!isInside(realBase, real)) {
    throw badInput(`${relative} of model folder ${folderReal} resolves to ${real}, outside the models directory ${realBase}`, { field: "model" });
  }
  return real;
}
