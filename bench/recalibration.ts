/**
 * `npm run bench:recalibration`: the cold /recalibration computation (5-fold cross-validated fits under the three
 * scopes, then per-language ECE with 200 paired bootstrap resamples) on a GlobalMMLU-sized synthetic run —
 * BENCH_LANGUAGES (default 42) × BENCH_QUESTIONS (default 14,000) = 588,000 predictions with 4 options — for each
 * method, with the library as it is and as it was at BENCH_BASELINE_REF (default 3ab0812, before the
 * recalibration speed-ups; extracted with `git archive` into a temp folder), side by side in one process on the
 * same data, interleaved, best of BENCH_REPS (default 2) each. The predictions read from Postgres is not part of it (it runs on the compute thread either way).
 * Ends with one JSON line:
 *   {"bench":"recalibration","predictions":…,"temperature":{"before_ms":…,"after_ms":…,"speedup":…,"max_diff":…},…}
 * max_diff: the largest absolute difference between the two versions over every ECE, interval end and fitted
 * temperature (the speed-ups change only summation order, so it is ~1e-12 or 0).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Rng } from "../lib/calibration/prng";
import * as current from "../lib/calibration/recalibrate/index";

type Lib = typeof current;
const L = Number(process.env.BENCH_LANGUAGES ?? 42);
const Q = Number(process.env.BENCH_QUESTIONS ?? 14_000);
const REF = process.env.BENCH_BASELINE_REF ?? "3ab0812";
const METHODS = (process.env.BENCH_METHODS ?? "temperature,histogram,isotonic").split(",") as current.RecalibrationMethod[];
const REPS = Number(process.env.BENCH_REPS ?? 2);
const K = 4;
const root = path.resolve(import.meta.dirname, "..");

/** Over-confident synthetic predictions: per-language skill, gold answer boosted, sharpened logits. */
function synthetic(): current.RecalibrationData {
  const n = L * Q;
  const rng = new Rng("bench/recalibration");
  const offsets = new Int32Array(n + 1);
  const probs = new Float64Array(n * K);
  const labels = new Int32Array(n);
  const correct = new Uint8Array(n);
  const confidence = new Float64Array(n);
  const question: string[] = [];
  const language: string[] = [];
  const langs = ["en", ...Array.from({ length: L - 1 }, (_, i) => `l${String(i).padStart(2, "0")}`)];
  const raw = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const li = Math.floor(i / Q);
    const skill = 2 - (1.5 * li) / L;
    const y = rng.nextInt(K);
    offsets[i + 1] = offsets[i] + K;
    labels[i] = y;
    let s = 0;
    let best = 0;
    for (let k = 0; k < K; k++) {
      raw[k] = Math.exp(1.8 * (rng.nextNormal() + (k === y ? skill : 0)));
      s += raw[k];
      if (raw[k] > raw[best]) best = k;
    }
    for (let k = 0; k < K; k++) probs[i * K + k] = raw[k] / s;
    confidence[i] = raw[best] / s;
    correct[i] = best === y ? 1 : 0;
    question.push(`q${i % Q}`);
    language.push(langs[li]);
  }
  return { n, confidence, correct, scores: current.logScores({ n, offsets, probs, maxK: 0 }), labels, question, language };
}

/** The whole cold computation of lib/db/queries/recalibration-compute.ts, minus the read. */
function run(lib: Lib, data: current.RecalibrationData, method: current.RecalibrationMethod) {
  const columns: Record<string, Float64Array> = { before: data.confidence };
  const temperatures: number[] = [];
  for (const scope of current.FIT_SCOPES) {
    const cv = lib.crossValidate(data, method, scope, { folds: 5, seed: "bench" });
    columns[scope] = cv.confidence;
    temperatures.push(...cv.temperatures.map((t) => t.temperature));
  }
  const ece = lib.eceByLanguage(data.language, data.correct, columns, { resamples: 200, seed: `bench/${method}`, pairs: [["english", "per-language"]] });
  const values = [...temperatures];
  for (const e of ece) for (const c of [...Object.values(e.columns), ...Object.values(e.differences)]) values.push(c.ece, ...c.interval);
  return values;
}

function timed<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}

const dir = mkdtempSync(path.join(tmpdir(), "bench-recal-"));
try {
  execFileSync("sh", ["-c", `git -C "$1" archive "$2" lib/calibration | tar -x -C "$3"`, "sh", root, REF, dir]);
  const baseline = (await import(pathToFileURL(path.join(dir, "lib/calibration/recalibrate/index.ts")).href)) as Lib;
  const t0 = performance.now();
  const data = synthetic();
  const generateMs = performance.now() - t0;
  const out: Record<string, unknown> = { bench: "recalibration", predictions: data.n, languages: L, options: K, baseline: REF, generate_ms: Math.round(generateMs) };
  for (const method of METHODS) {
    // Interleaved, best of REPS each: the machine is shared, and a burst of other load must not land on one side.
    let before = { ms: Infinity, value: [] as number[] };
    let after = { ms: Infinity, value: [] as number[] };
    for (let rep = 0; rep < REPS; rep++) {
      const b = timed(() => run(baseline, data, method));
      const a = timed(() => run(current, data, method));
      if (b.ms < before.ms) before = b;
      if (a.ms < after.ms) after = a;
    }
    const maxDiff = before.value.reduce((m, v, i) => Math.max(m, Math.abs(v - after.value[i])), before.value.length === after.value.length ? 0 : Infinity);
    out[method] = { before_ms: Math.round(before.ms), after_ms: Math.round(after.ms), speedup: Number((before.ms / after.ms).toFixed(2)), max_diff: maxDiff };
    console.error(`${method}: ${JSON.stringify(out[method])}`);
  }
  out.load_avg_1m = Number(loadavg()[0].toFixed(1));
  console.log(JSON.stringify(out));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
