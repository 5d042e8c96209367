/**
 * `calib recalibrate --input FILE --method temperature [--json]`
 *
 * Reads the same JSONL as `calib metrics` (probs | logprobs | logits, with "label" on every row), fits
 * one temperature T on the whole file minimising the mean NLL of softmax(z / T) (z = logits,
 * log-probabilities, or ln p; T searched over [0.02, 50] to a relative 1e-9 — see
 * lib/calibration/recalibrate/temperature.ts), and prints NLL and ECE (15 equal-width bins, the
 * metrics convention) before and after scaling. With --json stdout holds exactly one object:
 *   {"method":"temperature","n":…,"temperature":…,"nll_before":…,"nll_after":…,"ece_before":…,"ece_after":…}
 * Bad input exits 2 with a message naming the file, line and field, as `calib metrics` does.
 */
import { parseArgs } from "node:util";
import { badInput } from "../../lib/errors";
import { computeMetrics, type LabelledSet } from "../../lib/calibration/index";
import { fitTemperature, scaleProbabilities, type ScoreRows } from "../../lib/calibration/recalibrate/index";
import { cliArgs } from "../args";
import { readJsonl } from "./metrics";

export const summary = "fit a post-hoc temperature to a JSONL file of per-question scores (NLL and ECE before/after)";

export const RECALIBRATE_METHODS = ["temperature"] as const;

export interface RecalibrateJson {
  method: "temperature";
  n: number;
  temperature: number;
  nll_before: number;
  nll_after: number;
  ece_before: number;
  ece_after: number;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = cliArgs(() =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        input: { type: "string" },
        method: { type: "string", default: "temperature" },
        json: { type: "boolean", default: false },
      },
    }),
  );
  if (!values.input) throw badInput("missing --input FILE", { field: "--input" });
  if (!(RECALIBRATE_METHODS as readonly string[]).includes(values.method))
    throw badInput(`--method must be temperature, got "${values.method}" (histogram binning and isotonic regression are cross-validated in the /recalibration view and scripts/recalibrate-plaut.ts)`, { field: "--method" });
  const { input, scores } = await readJsonl(values.input, { keepScores: true });
  if (input.kind !== "labelled")
    throw badInput('temperature scaling minimises the NLL of the gold answer: every row needs "label" (this file gives "correct")', { file: values.input, field: "label" });
  const result = recalibrateTemperature(input, scores as ScoreRows);
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
  else
    process.stdout.write(
      [
        `questions      ${result.n}`,
        `temperature    ${result.temperature.toPrecision(8)}`,
        `NLL            ${result.nll_before.toFixed(6)} → ${result.nll_after.toFixed(6)}`,
        `ECE (15 equal-width)  ${result.ece_before.toFixed(6)} → ${result.ece_after.toFixed(6)}`,
      ].join("\n") + "\n",
    );
  return 0;
}

/** The CLI's computation, for tests and scripts: fit on every row, report before/after. */
export function recalibrateTemperature(input: LabelledSet, scores: ScoreRows): RecalibrateJson {
  const target = { labels: input.labels };
  const fit = fitTemperature(scores, target);
  const before = computeMetrics(input, { bins: 15, binning: "equal-width" });
  const after = computeMetrics({ ...input, probs: scaleProbabilities(scores, fit.temperature) }, { bins: 15, binning: "equal-width" });
  return {
    method: "temperature",
    n: input.n,
    temperature: fit.temperature,
    nll_before: before.nll as number,
    nll_after: after.nll as number,
    ece_before: before.ece,
    ece_after: after.ece,
  };
}
