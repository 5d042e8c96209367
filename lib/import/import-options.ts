/**
 * What importFiles takes and gives: its options (checked and trimmed here, before any file is read), its progress
 * reports and its result.
 */
import { badInput } from "../errors";
import { LANGUAGE_CODE } from "./write/catalog";
import type { Db } from "./write/db";
import type { SourceFile } from "./provenance";
import type { ReadTally } from "./read/read-records";
import { FORMATS, NORMALIZATIONS, type Format, type Normalize, type ParseOptions } from "./read/record";

export interface ImportOptions {
  /** Database: URL, pool, or a connected client (inside a transaction, the import uses a savepoint). */
  db: Db;
  /** Files and/or directories (walked recursively for .jsonl/.ndjson/.csv/.txt). */
  files: string[];
  /** Display names for `files` (same order), e.g. the original names of uploaded temp files. */
  names?: (string | undefined)[];
  model: string;
  /** Base model name: links Model.baseModelId, creating the base row if absent. */
  base?: string;
  /** SFT dataset of the model (Model.sftDataset). */
  sft?: string;
  /** Label-smoothing β of the SFT (Model.smoothing). */
  beta?: number;
  /** Family; default: the base's family, else the model name. */
  family?: string;
  benchmark: string;
  /** Benchmark option count when the benchmark is created (default: known count, else the largest seen). */
  options?: number;
  language?: string;
  subject?: string;
  /** Force a format instead of detecting it per file. */
  format?: Format;
  normalize?: Normalize;
  /** Accept generic `probs` rows that do not sum to 1 and rescale them (default: reject them). */
  renormalize?: boolean;
  onProgress?: (p: ImportProgress) => void;
  /**
   * Recompute the run's statistics in the import transaction (default true). Bulk tooling may pass
   * false and run `calib recompute` afterwards; until then the run has no RunLanguageStats rows.
   */
  stats?: boolean;
}

export interface ImportProgress {
  phase: "hashing" | "reading" | "writing" | "stats";
  bytesRead: number;
  bytesTotal: number;
  rows: number;
}

export interface ImportResult {
  runId: number;
  /** True when these exact files were imported before: nothing was written. */
  alreadyImported: boolean;
  predictions: number;
  questionsCreated: number;
  /** Language codes of the run's predictions, sorted. */
  languages: string[];
  /** Codes added to the Language table as unclassified by this import. */
  newLanguages: string[];
  files: SourceFile[];
  topLabelOnly: boolean;
  scoringMethod: string;
  /** How the predictions were written: "direct" (all questions stored, see direct-path.ts), "staging", or "none" (already imported). */
  writePath: "direct" | "staging" | "none";
}

const MAX_NAME = 200;

/** Validates and trims the options (a copy: the caller's object is not modified). */
export function checkOptions(given: ImportOptions): { opts: ImportOptions; parse: ParseOptions } {
  const o = { ...given };
  const name = (v: string | undefined, field: string, required: boolean): string | undefined => {
    if (v === undefined) {
      if (required) throw badInput(`missing --${field}`, { field });
      return undefined;
    }
    const t = v.trim();
    if (t === "" || t.length > MAX_NAME)
      throw badInput(`--${field} must be 1–${MAX_NAME} characters`, { field });
    return t;
  };
  o.model = name(o.model, "model", true)!;
  o.benchmark = name(o.benchmark, "benchmark", true)!;
  o.base = name(o.base, "base", false);
  o.sft = name(o.sft, "sft", false);
  o.family = name(o.family, "family", false);
  if (o.beta !== undefined && !(Number.isFinite(o.beta) && o.beta >= 0 && o.beta <= 1)) {
    throw badInput(`--beta must be a number in [0, 1]`, { field: "beta" });
  }
  if (o.options !== undefined && !(Number.isInteger(o.options) && o.options >= 2 && o.options <= 100)) {
    throw badInput(`--options must be an integer from 2 to 100`, { field: "options" });
  }
  if (o.format !== undefined && !FORMATS.includes(o.format)) {
    throw badInput(`unknown format "${o.format}" (${FORMATS.join(", ")})`, { field: "format" });
  }
  const normalize = o.normalize ?? "none";
  if (!NORMALIZATIONS.includes(normalize))
    throw badInput(`--normalize must be one of ${NORMALIZATIONS.join(", ")}`, { field: "normalize" });
  let language = o.language;
  if (language !== undefined) {
    language = language.trim().toLowerCase();
    if (!LANGUAGE_CODE.test(language))
      throw badInput(`unknown language "${o.language}": expected an ISO 639 code of 2–3 letters`, {
        field: "language",
      });
  }
  const subject = name(o.subject, "subject", false);
  return { opts: o, parse: { language, subject, normalize, renormalize: o.renormalize ?? false } };
}

/** Reports a phase's progress from the read tally. */
export function reportProgress(opts: ImportOptions, phase: ImportProgress["phase"], t: ReadTally): void {
  opts.onProgress?.({ phase, bytesRead: t.bytesRead, bytesTotal: t.bytesTotal, rows: t.rows });
}
