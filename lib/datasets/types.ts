/** The normalised form every dataset layout and file format is read into. */
import type { SliceFields } from "../slices/fields";

export type DatasetLayout = "globalmmlu" | "mmluprox";
export type DatasetFormat = "parquet" | "jsonl" | "csv";
export type DatasetSplit = "test" | "dev";

export interface DatasetQuestion {
  /** The source's own id: GlobalMMLU sample_id, MMLU-ProX question_id (as text). */
  externalId: string;
  /** Language code (ISO 639-1 where there is one), from the file or directory name or the caller. */
  language: string;
  /** GlobalMMLU subject (e.g. "high_school_biology"), MMLU-ProX category (e.g. "math"). */
  subject: string;
  question: string;
  /** 2–10 option texts in letter order; MMLU-ProX's unused trailing options are dropped. */
  options: string[];
  /** Index into options of the correct answer. */
  gold: number;
  /** Slice attributes (lib/slices/fields.ts): subject_category / category, cultural_sensitivity_label, src. */
  slice?: SliceFields;
  /** "dev" is the few-shot split: GlobalMMLU dev, MMLU-ProX validation. */
  split: DatasetSplit;
}

/** One input file with what its name (or the caller) says about it. */
export interface DatasetFile {
  path: string;
  format: DatasetFormat;
  language: string;
  split: DatasetSplit;
}

/** A source row before normalisation, with where it came from for error messages. */
export interface RawRow {
  values: Record<string, unknown>;
  /** `file` is the path, plus ", row N" (0-based) for Parquet; `line` for JSONL and CSV. */
  where: { file: string; line?: number };
}
