/**
 * `calib metrics --input FILE [--bins 15] [--binning equal-width|equal-mass] [--json]`
 *
 * FILE is JSONL, one question per line: {"probs": [...], "label": k} — or "logprobs" / "logits" instead
 * of "probs" — with optional "id" and "language". (A row may give "correct": true|false instead of
 * "label" when the gold index is unknown; then the whole file is top-label only and sce, ace, brier
 * and nll are null.) The file is streamed line by line. With --json, stdout holds exactly one JSON
 * object; bad input exits 2 with a message naming the line.
 */
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { badInput } from "../../lib/errors";
import {
  BINNINGS,
  type Binning,
  type CalibrationInput,
  type CalibrationMetrics,
  computeMetrics,
  QuestionSetBuilder,
  type ScoreKind,
  subset,
} from "../../lib/calibration/index";
import { ScoreCollector, type ScoreRows } from "../../lib/calibration/recalibrate/scores";
import { cliArgs } from "../args";
import { fixed } from "../../lib/format";

export const summary = "calibration metrics (ECE, RMS, MCE, SCE, ACE, Brier, NLL, smECE…) of a JSONL file of per-question probabilities";

const SCORE_FIELDS: readonly ScoreKind[] = ["probs", "logprobs", "logits"];
/** Language key for rows without "language" in a file where other rows have one. */
export const UNKNOWN_LANGUAGE = "und";

export interface MetricsJson {
  n: number;
  accuracy: number;
  confidence: number;
  entropy_bits: number | null;
  ece: number;
  rms: number;
  mce: number;
  sce: number | null;
  ace: number | null;
  brier: number | null;
  nll: number | null;
  smece: number;
  bins: { lower: number; upper: number; count: number; accuracy: number | null; confidence: number | null }[];
  by_language?: Record<string, Omit<MetricsJson, "by_language">>;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = cliArgs(() =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        input: { type: "string" },
        bins: { type: "string", default: "15" },
        binning: { type: "string", default: "equal-width" },
        json: { type: "boolean", default: false },
      },
    }),
  );
  if (!values.input) throw badInput("missing --input FILE", { field: "--input" });
  const bins = Number(values.bins);
  if (!/^\d+$/.test(values.bins) || !Number.isInteger(bins) || bins < 1 || bins > 100000)
    throw badInput(`--bins must be an integer from 1 to 100000, got "${values.bins}"`, { field: "--bins" });
  const binning = values.binning as Binning;
  if (!BINNINGS.includes(binning)) throw badInput(`--binning must be equal-width or equal-mass, got "${values.binning}"`, { field: "--binning" });

  const { input, languages } = await readJsonl(values.input);
  const result = metricsJson(input, languages, bins, binning);
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
  else process.stdout.write(formatTable(result, bins, binning));
  return 0;
}

/**
 * Reads and validates the JSONL file (streaming); languages[i] is row i's language or null. With
 * `keepScores`, `scores` also holds each row's log-scores as given (logits, log-probabilities, or ln p of
 * probabilities), row-aligned with the input — what temperature scaling divides by T.
 */
export async function readJsonl(
  file: string,
  opts: { keepScores?: boolean } = {},
): Promise<{ input: CalibrationInput; languages: (string | null)[]; scores?: ScoreRows }> {
  try {
    await access(file);
  } catch (e) {
    throw badInput(`cannot read file (${(e as NodeJS.ErrnoException).code ?? "error"})`, { file });
  }
  const builder = new QuestionSetBuilder();
  const languages: (string | null)[] = [];
  const kept = opts.keepScores ? new ScoreCollector() : null;
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === "") continue;
    const at = { file, line };
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (e) {
      throw badInput(`invalid JSON (${(e as Error).message})`, at);
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) throw badInput("each line must be a JSON object", at);
    const obj = row as Record<string, unknown>;
    const present = SCORE_FIELDS.filter((f) => obj[f] !== undefined);
    if (present.length === 0) throw badInput('missing "probs" (or "logprobs" / "logits")', { ...at, field: "probs" });
    if (present.length > 1) throw badInput(`give only one of ${present.map((f) => `"${f}"`).join(", ")}`, { ...at, field: present[1] });
    const kind = present[0];
    const scores = obj[kind];
    if (!Array.isArray(scores)) throw badInput("must be an array of numbers", { ...at, field: kind });
    for (let j = 0; j < scores.length; j++)
      if (typeof scores[j] !== "number")
        throw badInput(`entry ${j} must be a number, got ${JSON.stringify(scores[j])}`, { ...at, field: kind });
    const label = obj.label;
    if (label !== undefined && typeof label !== "number") throw badInput(`must be an integer option index, got ${JSON.stringify(label)}`, { ...at, field: "label" });
    const correct = obj.correct;
    if (correct !== undefined && typeof correct !== "boolean") throw badInput(`must be true or false, got ${JSON.stringify(correct)}`, { ...at, field: "correct" });
    if (obj.id !== undefined && typeof obj.id !== "string" && typeof obj.id !== "number") throw badInput("must be a string or a number", { ...at, field: "id" });
    const language = obj.language;
    if (language !== undefined && (typeof language !== "string" || language === ""))
      throw badInput(`must be a non-empty string, got ${JSON.stringify(language)}`, { ...at, field: "language" });
    builder.add({ scores: scores as number[], kind, label: label as number | undefined, correct: correct as boolean | undefined }, at);
    languages.push((language as string | undefined) ?? null);
    kept?.add(scores as number[], kind);
  }
  if (builder.size === 0) throw badInput("no questions in file", { file });
  return { input: builder.build(), languages, ...(kept ? { scores: kept.build() } : {}) };
}

function toJson(m: CalibrationMetrics): Omit<MetricsJson, "by_language"> {
  return {
    n: m.n,
    accuracy: m.accuracy,
    confidence: m.confidence,
    entropy_bits: m.entropyBits,
    ece: m.ece,
    rms: m.rms,
    mce: m.mce,
    sce: m.sce,
    ace: m.ace,
    brier: m.brier,
    nll: m.nll,
    smece: m.smece,
    bins: m.reliability.map((b) => ({ lower: b.lower, upper: b.upper, count: b.count, accuracy: b.accuracy, confidence: b.confidence })),
  };
}

export function metricsJson(input: CalibrationInput, languages: (string | null)[], bins: number, binning: Binning): MetricsJson {
  const result: MetricsJson = toJson(computeMetrics(input, { bins, binning }));
  if (languages.some((l) => l !== null)) {
    const groups = new Map<string, number[]>();
    languages.forEach((l, i) => {
      const key = l ?? UNKNOWN_LANGUAGE;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(i);
    });
    const byLanguage: Record<string, Omit<MetricsJson, "by_language">> = {};
    for (const key of [...groups.keys()].sort()) byLanguage[key] = toJson(computeMetrics(subset(input, groups.get(key) as number[]), { bins, binning }));
    result.by_language = byLanguage;
  }
  return result;
}

const fmt = (v: number | null) => fixed(v, 4);

function formatTable(r: MetricsJson, bins: number, binning: Binning): string {
  const out: string[] = [];
  const rows: [string, number | null][] = [
    ["questions", r.n],
    ["accuracy", r.accuracy],
    ["mean confidence", r.confidence],
    ["overconfidence", r.confidence - r.accuracy],
    ["entropy (bits)", r.entropy_bits],
    [`ECE (${bins} ${binning})`, r.ece],
    [`RMS (${bins} ${binning})`, r.rms],
    [`MCE (${bins} ${binning})`, r.mce],
    [`SCE (${bins} equal-width)`, r.sce],
    [`ACE (${bins} equal-mass)`, r.ace],
    ["Brier", r.brier],
    ["NLL", r.nll],
    ["smECE", r.smece],
  ];
  for (const [name, v] of rows) out.push(`${name.padEnd(28)} ${name === "questions" ? String(v) : fmt(v)}`);
  out.push("", `reliability bins (${binning})`, "  lower   upper    count  accuracy  confidence");
  for (const b of r.bins)
    out.push(`  ${b.lower.toFixed(4)}  ${b.upper.toFixed(4)}  ${String(b.count).padStart(7)}  ${fmt(b.accuracy).padStart(8)}  ${fmt(b.confidence).padStart(10)}`);
  if (r.by_language) {
    out.push("", "by language", "  lang        n  accuracy  confidence     ECE     RMS   smECE");
    for (const [lang, m] of Object.entries(r.by_language))
      out.push(`  ${lang.padEnd(6)} ${String(m.n).padStart(7)}  ${fmt(m.accuracy).padStart(8)}  ${fmt(m.confidence).padStart(10)}  ${fmt(m.ece)}  ${fmt(m.rms)}  ${fmt(m.smece)}`);
  }
  return out.join("\n") + "\n";
}
