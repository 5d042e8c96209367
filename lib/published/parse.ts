/**
 * Parser for published-results CSVs (Huang et al. 2026 layout): per-language files have a `language`
 * column, summary files (averages over languages) do not. Pure: text in, validated rows out, and the
 * first problem found is an error naming file, line and field.
 */
import { badInput } from "../errors";
import { metricSpec, PUBLISHED_METRICS, type PublishedMetric } from "../calibration/registry";

/** A row, with each published metric (accuracy, entropy, ece, rms) as the exact decimal text of the file. */
export type PublishedRow = PublishedRowBase & Record<PublishedMetric, string | null>;

interface PublishedRowBase {
  line: number;
  benchmark: string;
  /** null for averages over languages (summary tables). */
  language: string | null;
  model: string;
  sftDataset: string | null;
  smoothing: string | null;
  sourceTable: string | null;
}

/** The paper's metrics, one column each (lib/calibration/registry.ts: the `published` metrics). */
const METRICS = PUBLISHED_METRICS;
const REQUIRED = ["benchmark", "model", "sft_dataset", "smoothing", ...METRICS];
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Splits one CSV record (RFC 4180 quoting; the published files have no embedded newlines). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === "") quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (quoted) throw new Error("unterminated quoted field");
  out.push(cur);
  return out;
}

export function parsePublishedCsv(text: string, file: string): PublishedRow[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length && lines.at(-1) === "") lines.pop();
  if (lines.length === 0) throw badInput("empty file", { file });
  const header = splitCsvLine(lines[0]).map((h) => h.trim());
  for (const col of REQUIRED) {
    if (!header.includes(col)) throw badInput(`missing column "${col}" in header`, { file, line: 1, field: col });
  }
  const idx = (c: string) => header.indexOf(c);
  const hasLanguage = idx("language") >= 0;
  if (lines.length === 1) throw badInput("no data rows", { file });
  const seen = new Map<string, number>();
  const rows: PublishedRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    let cells: string[];
    try {
      cells = splitCsvLine(lines[i]);
    } catch (e) {
      throw badInput((e as Error).message, { file, line });
    }
    if (cells.length !== header.length) {
      throw badInput(`expected ${header.length} fields, found ${cells.length}`, { file, line });
    }
    const get = (c: string) => (idx(c) >= 0 ? cells[idx(c)].trim() : "");
    const benchmark = get("benchmark");
    if (!benchmark) throw badInput("empty benchmark", { file, line, field: "benchmark" });
    const model = get("model");
    if (!model) throw badInput("empty model", { file, line, field: "model" });
    const language = hasLanguage ? get("language") : null;
    if (hasLanguage && !/^[a-z]{2,3}$/.test(language ?? "")) {
      throw badInput(`invalid language code "${language}" (ISO 639-1 expected)`, { file, line, field: "language" });
    }
    const sft = get("sft_dataset") || null;
    const smoothing = get("smoothing") || null;
    if (smoothing !== null && (!DECIMAL.test(smoothing) || Number(smoothing) < 0 || Number(smoothing) >= 1)) {
      throw badInput(`invalid smoothing "${smoothing}" (a number in [0, 1) expected)`, { file, line, field: "smoothing" });
    }
    if ((sft === null) !== (smoothing === null)) {
      throw badInput("sft_dataset and smoothing must both be empty (base model) or both set", { file, line, field: sft === null ? "sft_dataset" : "smoothing" });
    }
    const metrics = {} as Record<PublishedMetric, string | null>;
    for (const m of METRICS) {
      const v = get(m);
      if (v === "") metrics[m] = null;
      else if (!DECIMAL.test(v)) throw badInput(`invalid number "${v}"`, { file, line, field: m });
      else if (Number(v) < 0 || Number(v) > (metricSpec(m).upper ?? Infinity)) {
        throw badInput(`value ${v} out of range`, { file, line, field: m });
      } else metrics[m] = v;
    }
    const key = [benchmark, language ?? "*", model, sft ?? "", smoothing ?? ""].join("|");
    const prior = seen.get(key);
    if (prior !== undefined) throw badInput(`duplicate row (same as line ${prior})`, { file, line });
    seen.set(key, line);
    rows.push({ line, benchmark, language, model, sftDataset: sft, smoothing, ...metrics, sourceTable: get("source_table") || null });
  }
  return rows;
}
