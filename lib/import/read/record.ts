/**
 * The shape every format parser produces: one question (matched on benchmark + language + external
 * id) with one prediction. Parsers are synchronous and line-fed so the driver can stream files of
 * any size and batch the COPY output.
 */
import type { SliceFields } from "../../slices/fields";

export const FORMATS = ["lm-eval", "scores-jsonl", "scores-csv", "plaut"] as const;
export type Format = (typeof FORMATS)[number];

export const NORMALIZATIONS = ["none", "per-token", "per-char"] as const;
export type Normalize = (typeof NORMALIZATIONS)[number];

export interface ParseOptions {
  /** Language for every row (overrides task names; fills rows that have none). */
  language?: string;
  /** Subject for every row (overrides task names and doc fields). */
  subject?: string;
  /** Length normalisation of lm-eval log-likelihoods before the softmax. */
  normalize: Normalize;
  /** Rescale generic `probs` rows to sum to 1 instead of rejecting them (Plaut files always are). */
  renormalize: boolean;
}

export interface ImportRecord {
  line: number;
  language: string;
  externalId: string;
  subject: string | null;
  /** Subject category, cultural sensitivity and source when the row gives them (lib/slices/fields.ts). */
  slice?: SliceFields;
  text: string | null;
  /** Option texts in order; empty when the source has only scores. */
  options: string[];
  optionCount: number;
  /** Gold option index; null when the source does not give it (Plaut et al.). */
  gold: number | null;
  probs: number[];
  /** Raw per-option log-likelihoods (lm-eval) or log-probabilities (scores files), kept as given. */
  logLikelihoods: number[] | null;
  predicted: number;
  confidence: number;
  correct: boolean;
}

export interface FileContext {
  /** Display name for errors and provenance. */
  name: string;
  options: ParseOptions;
  maxLineBytes: number;
}

export interface RecordParser {
  /** Parses one physical line; null for blank lines, headers and unfinished multi-line CSV records. */
  line(text: string, lineNo: number): ImportRecord | null;
  /**
   * The same for the line text[start, end) of a run of lines (lines.ts), for parsers that read it in place; those
   * without it get the line sliced out.
   */
  lineIn?(text: string, start: number, end: number, lineNo: number): ImportRecord | null;
  /** End of file: reports an unterminated record. */
  end(): void;
  /** How the probabilities were obtained (Run.scoringMethod), known once a row was read. */
  scoringMethod(): string | null;
}

export interface FormatSpec {
  name: Format;
  create(ctx: FileContext): RecordParser;
}
