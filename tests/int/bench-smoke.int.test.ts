/**
 * Every `npm run bench:*` script starts and finishes on a tiny size against the test Postgres, and prints at least
 * one JSON line with its expected keys — so a refactor cannot leave a benchmark crashing (bench:views once died on
 * `__dirname` under tsx). The list of scripts comes from package.json: a new bench:* without an entry in SMOKE fails
 * here until it is given a tiny size. This checks that the benches run, not their figures.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, inject } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const scripts = Object.keys(
  (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts,
).filter((s) => s.startsWith("bench:"));

interface Smoke {
  env?: Record<string, string>;
  args?: string[];
  /** Keys every JSON line of this bench has. */
  keys: string[];
  /** The line's `bench` field. */
  bench: string;
  timeoutMs?: number;
  check?: (line: Record<string, unknown>) => void;
}

/** Tiny sizes; a test timeout for those that build the app (next build, minutes on 2 cores, when .next is stale). */
const SMOKE: Record<string, Smoke> = {
  "bench:metrics": { args: ["--n", "2000", "--k", "4", "--repeats", "1"], bench: "metrics", keys: ["n", "k", "seconds", "questions_per_s"] },
  "bench:ingest": {
    env: { BENCH_N: "2000", BENCH_PAIRS: "2" },
    bench: "ingest",
    keys: ["n", "copy_per_s", "end_to_end_per_s", "existing_questions_paired_ratio", "new_questions_paired_ratio", "new_questions_no_stats_paired_ratio", "end_to_end_paired_ratio"],
    check: (line) => {
      for (const [field, width] of [["existing_questions_pairs", 2], ["new_questions_pairs", 4]] as const) {
        const pairs = line[field] as number[][];
        expect(pairs, field).toHaveLength(2);
        for (const pair of pairs) {
          expect(pair, field).toHaveLength(width);
          for (const rate of pair) expect(rate, field).toBeGreaterThan(0);
        }
      }
      // Statistics ran in each paired new-questions import: the whole import is slower than it without them.
      for (const [copy, all] of line.new_questions_pairs as number[][]) expect(all).toBeLessThan(copy);
      for (const field of ["existing_questions_paired_ratio", "new_questions_paired_ratio", "new_questions_no_stats_paired_ratio", "end_to_end_paired_ratio"]) {
        expect(line[field], field).toBeGreaterThan(0);
        expect(Number.isFinite(line[field]), field).toBe(true);
      }
    },
  },
  "bench:ingest-floor": { env: { BENCH_N: "2000" }, bench: "ingest-floor", keys: ["n", "new_questions_bound_per_s", "existing_questions_bound_per_s"] },
  "bench:copy-binary": {
    env: { BENCH_N: "3000" },
    bench: "copy-binary",
    keys: ["n", "encode_ours_s", "encode_lib_s", "decode_ours_s", "decode_lib_s", "identical"],
    check: (l) => expect(l.identical).toBe(true),
  },
  "bench:worker": {
    env: { BENCH_WORKER_MODELS: "tiny-gpt2", BENCH_WORKER_BATCHES: "8", BENCH_WORKER_QUESTIONS: "8" },
    bench: "worker",
    keys: ["model", "method", "batch", "questions_per_s", "overhead_share"],
  },
  "bench:plan": {
    args: ["--languages", "3", "--questions", "300"],
    bench: "plan",
    keys: ["benchmark", "format", "questions", "seconds", "cpu_seconds", "peak_rss_mb", "max_questions_held", "memory_bound"],
    check: (l) => expect(l.questions).toBe(900),
    timeoutMs: 900_000, // one process per benchmark and format (six)
  },
  "bench:stats": {
    args: ["--n", "4000", "--resamples", "20", "--threads", "2"],
    bench: "stats",
    keys: ["predictions", "old_s", "new_s", "ratio", "new_cpu_s", "threads_s", "max_interval_diff"],
    check: (l) => {
      expect(l.point_metrics_identical).toBe(true);
      expect(l.threads_identical).toBe(true);
      expect(l.max_interval_diff).toBeLessThanOrEqual(1e-12);
    },
  },
  "bench:split": { args: ["--questions", "1500"], bench: "split", keys: ["questions", "seconds", "questions_per_s", "done_at_kill", "predictions"] },
  "bench:load-import": {
    env: { BENCH_SIZE: "20000", BENCH_DURATION_S: "2" },
    bench: "load-import",
    keys: ["size", "rest_health_p99_ms", "import_health_p99_ms", "import_home_p99_ms"],
    timeoutMs: 900_000,
  },
  "bench:recalibration": {
    env: { BENCH_LANGUAGES: "3", BENCH_QUESTIONS: "200", BENCH_REPS: "1" },
    bench: "recalibration",
    keys: ["predictions", "baseline", "temperature", "histogram", "isotonic"],
  },
  "bench:grid": {
    env: { BENCH_QUESTIONS: "20" },
    bench: "grid",
    keys: ["predictions", "stats_rows", "runs", "paired_rows"],
    // Every (β > 0, β = 0) and (tuned, base) pair of the grid in every language: 3 families × (3 SFT datasets × 2 +
    // 9 tuned) × (42 + 29) — the paired bootstrap is stored, not computed per request.
    check: (l) => expect(l.paired_rows).toBe(3 * (3 * 2 + 9) * (42 + 29)),
  },
  "bench:views": {
    env: { BENCH_QUESTIONS: "20", BENCH_REQUESTS: "2", BENCH_WARMUP: "0", BENCH_RENDERS: "1" },
    bench: "views",
    keys: ["predictions", "stats_rows", "server_p95_ms", "render_42_ms", "server_p95_by_view", "first_ms_by_view"],
    timeoutMs: 900_000,
    check: (l) => expect(l.predictions).toBe(30 * (42 + 29) * 20),
  },
  "bench:slices": {
    args: ["--languages", "2", "--questions", "300"],
    bench: "slices",
    keys: ["languages", "questions_per_language", "stats_s_unsliced", "stats_s_sliced", "heatmap_p95_ms_slice", "results_p95_ms_slice"],
    check: (l) => expect(l.questions_per_language).toBe(300),
  },
  "bench:libraries": {
    args: ["--csv-mb", "1", "--reps", "1", "--fft-reps", "20"],
    bench: "libraries",
    keys: ["comparison", "input", "ours_per_s", "library_per_s", "ratio", "same"],
    check: (l) => expect(l.same).toBe(true),
  },
  "bench:load": {
    env: { BENCH_QUESTIONS: "20", BENCH_LOAD_SECONDS: "2", BENCH_LOAD_CONNECTIONS: "4" },
    bench: "load",
    keys: ["predictions", "p99_ms", "errors", "requests"],
    timeoutMs: 900_000,
    check: (l) => {
      expect(l.errors).toBe(0);
      expect(l.requests).toBeGreaterThan(0);
    },
  },
};

function runScript(script: string, s: Smoke): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, ...(s.args ? ["--", ...s.args] : [])], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: inject("adminUrl"), NEXT_TELEMETRY_DISABLED: "1", ...s.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-8000)));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("bench smoke", () => {
  it("every bench:* script in package.json has a smoke size", () => {
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((s) => !(s in SMOKE)), "bench scripts without an entry in SMOKE").toEqual([]);
  });

  for (const script of scripts) {
    const s = SMOKE[script];
    if (!s) continue;
    it(`${script} runs on a tiny size and prints its JSON line`, { timeout: s.timeoutMs ?? 300_000 }, async () => {
      const r = await runScript(script, s);
      expect(r.code, `${script} exited ${r.code}:\n${r.stderr}`).toBe(0);
      const lines = r.stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.bench === s.bench);
      expect(lines.length, `no {"bench":"${s.bench}",…} line in:\n${r.stdout}`).toBeGreaterThanOrEqual(1);
      for (const l of lines) {
        for (const k of s.keys) expect(l, `${script}: key ${k}`).toHaveProperty(k);
        s.check?.(l);
      }
    });
  }
});
