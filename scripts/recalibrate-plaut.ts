/**
 * Post-hoc recalibration of the shipped real outputs (Plaut et al. 2024, data/plaut2024: ARC-Challenge,
 * 2,590 questions, base and chat variants of three models), reproducibly:
 *
 *   npm run --silent analysis:plaut            # one JSON line per file × method × fit
 *   npm run --silent analysis:plaut -- --markdown   # the table in docs/analysis.md
 *
 * Files are parsed with the project's Plaut importer (probabilities renormalised over the options;
 * the gold index is unknown, so temperature scaling fits the top-label binary NLL — see
 * lib/calibration/recalibrate/temperature.ts). Every number is out of sample: 5-fold cross-validation,
 * folds by question (seed "recalibration"). The files are English only, so the three fits — per
 * language, English-only, pooled — use the same training rows; the script computes all three and
 * checks that they agree. ECE: 15 equal-width bins; intervals: 1,000 paired bootstrap resamples (seed "plaut").
 */
import { readFileSync } from "node:fs";
import { f3 } from "../lib/format";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { plaut } from "../lib/import/read/formats/plaut";
import {
  crossValidate,
  eceByLanguage,
  FIT_SCOPES,
  fitTemperature,
  RECALIBRATION_METHODS,
  type RecalibrationData,
  type ScoreRows,
} from "../lib/calibration/recalibrate/index";

const DIR = join(import.meta.dirname, "..", "data", "plaut2024");
const MODELS = [
  ["Llama3.1-8b", "Llama-3.1-8B"],
  ["Mistral", "Mistral-7B"],
  ["Yi-6b", "Yi-6B"],
] as const;
const FOLDS = 5;
const RESAMPLES = 1000;

function load(file: string): RecalibrationData {
  const parser = plaut.create({ name: file, options: { normalize: "none", renormalize: true }, maxLineBytes: 1 << 20 });
  const confidence: number[] = [];
  const correct: number[] = [];
  const z: number[] = [];
  const offsets = [0];
  const question: string[] = [];
  readFileSync(join(DIR, file), "utf8")
    .split("\n")
    .forEach((text, i) => {
      const r = parser.line(text, i + 1);
      if (!r) return;
      confidence.push(r.confidence);
      correct.push(r.correct ? 1 : 0);
      for (const p of r.probs as number[]) z.push(Math.log(p));
      offsets.push(z.length);
      question.push(r.externalId);
    });
  const scores: ScoreRows = { n: confidence.length, offsets: Int32Array.from(offsets), z: Float64Array.from(z) };
  return {
    n: confidence.length,
    confidence: Float64Array.from(confidence),
    correct: Uint8Array.from(correct),
    scores,
    labels: null,
    question,
    language: question.map(() => "en"),
  };
}

interface Row {
  model: string;
  variant: "base" | "chat";
  n: number;
  accuracy: number;
  temperature_full: number;
  ece_before: number;
  ece_before_ci: [number, number];
  after: Record<string, { ece: number; ci: [number, number]; delta: number; delta_ci: [number, number] }>;
}

function analyse(model: string, label: string, variant: "base" | "chat"): Row {
  const data = load(`arc__${model}__${variant}.txt`);
  const columns: Record<string, Float64Array> = { before: data.confidence };
  for (const method of RECALIBRATION_METHODS) {
    const fits = FIT_SCOPES.map((scope) => crossValidate(data, method, scope, { folds: FOLDS }).confidence);
    for (const f of fits.slice(1))
      if (f.some((v, i) => v !== fits[0][i])) throw new Error(`${model} ${variant} ${method}: the three fits differ on English-only data`);
    columns[method] = fits[0];
  }
  const [lang] = eceByLanguage(data.language, data.correct, columns, {
    resamples: RESAMPLES,
    seed: `plaut/${model}/${variant}`,
    pairs: RECALIBRATION_METHODS.map((m) => [m, "before"] as [string, string]),
  });
  const after: Row["after"] = {};
  for (const m of RECALIBRATION_METHODS)
    after[m] = { ece: lang.columns[m].ece, ci: lang.columns[m].interval, delta: lang.differences[`${m}−before`].ece, delta_ci: lang.differences[`${m}−before`].interval };
  return {
    model: label,
    variant,
    n: lang.n,
    accuracy: lang.accuracy,
    temperature_full: fitTemperature(data.scores as ScoreRows, { correct: data.correct }).temperature,
    ece_before: lang.columns.before.ece,
    ece_before_ci: lang.columns.before.interval,
    after,
  };
}

const { values } = parseArgs({ options: { markdown: { type: "boolean", default: false } } });
const rows: Row[] = [];
for (const [model, label] of MODELS) for (const variant of ["base", "chat"] as const) rows.push(analyse(model, label, variant));

const ci = (c: [number, number]) => `[${f3(c[0])}, ${f3(c[1])}]`;
if (values.markdown) {
  const out = [
    "| model | variant | n | accuracy | T (whole file) | ECE before | ECE after temperature | ECE after histogram | ECE after isotonic |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows)
    out.push(
      `| ${r.model} | ${r.variant} | ${r.n} | ${f3(r.accuracy)} | ${r.temperature_full.toFixed(3)} | ${f3(r.ece_before)} ${ci(r.ece_before_ci)} | ` +
        RECALIBRATION_METHODS.map((m) => `${f3(r.after[m].ece)} ${ci(r.after[m].ci)}`).join(" | ") +
        " |",
    );
  out.push("", "| model | variant | Δ ECE temperature | Δ ECE histogram | Δ ECE isotonic |", "|---|---|---|---|---|");
  for (const r of rows)
    out.push(`| ${r.model} | ${r.variant} | ` + RECALIBRATION_METHODS.map((m) => `${f3(r.after[m].delta)} ${ci(r.after[m].delta_ci)}`).join(" | ") + " |");
  process.stdout.write(out.join("\n") + "\n");
} else for (const r of rows) process.stdout.write(JSON.stringify(r) + "\n");
