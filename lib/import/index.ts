/**
 * Public API of the importer (see README.md ("Importing predictions")).
 *   importFiles        — files/directories → one run, all-or-nothing, idempotent
 *   ingestPredictions  — low-level COPY writer for predictions of existing questions (the worker's path)
 *   importPlautDemo    — the six Plaut et al. ARC files as demo runs
 */
export { importFiles, type ImportOptions, type ImportProgress, type ImportResult } from "./import-files";
export {
  ingestPredictions,
  predictionRow,
  type IngestOptions,
  type IngestResult,
  type PredictionRow,
} from "./write/ingest-predictions";
export { importPlautDemo, PLAUT_MODELS, PLAUT_BENCHMARK, plautDataDir } from "./plaut-demo";
export { detectFormat, detectFileFormat } from "./read/detect";
export { IMPORTER_VERSION, type SourceFile } from "./provenance";
export { FORMATS, NORMALIZATIONS, type Format, type Normalize, type ImportRecord } from "./read/record";
export { importLimits, type ImportLimits } from "./limits";
export type { Db } from "./write/db";
