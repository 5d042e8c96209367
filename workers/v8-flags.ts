/**
 * V8 flags for the processes that score questions or import large files: `npm run worker` (evaluations and API
 * imports), `npm run calib` (evaluate runs a worker in process; import), `npm run bench:worker`, the worker child of
 * `npm run demo` (scripts/serve.ts), bench:split and its workers, and the benchmarks of those imports (bench:ingest,
 * bench:ingest-floor, bench:load-import's worker), so that they measure the import as the product runs it. (The demo's server imports its
 * small seed files in process, without them.)
 *
 * --initial-old-space-size=64: each forward pass hands back megabytes of output buffers (logits, KV caches). From
 * V8's default start (a ~10 MB heap) they counted against a tiny allocation limit and set off a full mark-compact
 * every two or three questions, whose marking threads took cores from onnxruntime. Measured on gpt2-20m,
 * continuation, 150 questions on 2 cores: 45–51 full collections and 84–87 ms per question by default, 1–3 and
 * 77–81 ms with this flag; peak RSS unchanged (~315 MB, mostly the model). Imports gain too: a
 * stored-question import of bench:ingest's million predictions (whose read chunks and encoded COPY rows alone are
 * ~320 MB of buffers) ran 14 full collections by default and 8 with this flag, and Node's CPU fell from 2.24 to 1.95 s
 * (medians of nine imports each, processes alternating on 2 cores). The cost: bench:ingest's peak RSS was 523–588 MB
 * in twelve runs with the flag, against 445–529 MB in five earlier runs without it.
 *
 * V8 reads the flag only at start-up: `v8.setFlagsFromString` is too late and NODE_OPTIONS refuses it, so it is on
 * those command lines (tests/unit check them against this list) and the worker logs a line when it is missing.
 */
export const SCORING_V8_FLAGS: readonly string[] = ["--initial-old-space-size=64"];

/** The scoring flags this process was started without. */
export function missingScoringFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return SCORING_V8_FLAGS.filter((flag) => !execArgv.includes(flag));
}
