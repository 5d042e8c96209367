/**
 * `npm run bench:stats`: the statistics of 1,000,000 predictions (10 languages × 100,000 questions, K = 4, as
 * bench:ingest imports), as recomputeRunStats computes them — per language, every metric for both binnings plus
 * the seeded 200-resample bootstrap — side by side in one run:
 *  - old: the row-order resampling engine (lib/calibration/resample.ts, the procedure as it was), one thread;
 *  - new: the sorted-order engine (resample-sorted.ts) through computeLanguageStats (lib/db/stats-compute.ts), one
 *    thread — CPU time is the figure that does not depend on the core count;
 *  - threads: the same computeLanguageStats on `--threads` compute threads (lib/compute, kind "stats"), the
 *    languages spread over them as `calib recompute` does, the threads started and warmed up (kind "stats-warm") as an
 *    import's are before its statistics begin.
 * Same seeds, so the same resamples: the intervals must agree to rounding (max_interval_diff ≤ 1e-12), the point
 * metrics exactly, and the threads' results must equal the in-process ones. Last line: one JSON object.
 *
 *   npm run bench:stats [-- --n 1000000 --languages 10 --resamples 200 --threads <cores>]
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  BINNINGS,
  bootstrapWithEngine,
  DEFAULT_BINS,
  type LabelledSet,
  MetricEngine,
  metricsFromEngine,
  Rng,
} from "../lib/calibration/index";
import { computeThreadFile } from "../lib/compute/pool";
import { ThreadPool } from "../lib/compute/thread-pool";
import { computeLanguageStats, type StatsRow } from "../lib/db/stats-compute";

const K = 4;

/** One language's predictions: softmax of K N(0, 2²) logits, gold drawn from a flatter distribution (overconfident). */
function language(seed: number, n: number): LabelledSet {
  const rng = new Rng(seed);
  const probs = new Float64Array(n * K);
  const offsets = new Int32Array(n + 1);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    offsets[i + 1] = (i + 1) * K;
    let s = 0;
    let sf = 0;
    const flat: number[] = [];
    for (let j = 0; j < K; j++) {
      const e = Math.exp(2 * rng.nextNormal());
      probs[i * K + j] = e;
      s += e;
      flat.push(Math.sqrt(e));
      sf += flat[j];
    }
    for (let j = 0; j < K; j++) probs[i * K + j] /= s;
    let u = rng.nextFloat() * sf;
    let y = K - 1;
    for (let j = 0; j < K; j++) if ((u -= flat[j]) < 0) {
      y = j;
      break;
    }
    labels[i] = y;
  }
  return { kind: "labelled", n, offsets, probs, maxK: K, labels };
}

/** The old procedure's rows: row-order engine, in the shape computeLanguageStats returns. */
function oldStats(set: LabelledSet, seed: string, resamples: number): StatsRow[] {
  const engine = new MetricEngine(set, DEFAULT_BINS);
  const metrics = metricsFromEngine(engine, BINNINGS);
  const intervals = bootstrapWithEngine(engine, { resamples, seed, binnings: BINNINGS, engine: "row" });
  return BINNINGS.map((b) => ({ binning: b, metrics: metrics[b] as StatsRow["metrics"], intervals: intervals[b] ?? {} }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: "string", default: "1000000" },
      languages: { type: "string", default: "10" },
      resamples: { type: "string", default: "200" },
      threads: { type: "string", default: String(availableParallelism()) },
    },
  });
  const n = Number(values.n);
  const langs = Number(values.languages);
  const resamples = Number(values.resamples);
  const threads = Number(values.threads);
  const per = Math.ceil(n / langs);
  const sets = Array.from({ length: langs }, (_, l) => language(1000 + l, per));
  const seed = (l: number) => `bench/${l}`;
  const log = (m: string) => process.stderr.write(`[bench:stats] ${m}\n`);
  const load0 = loadavg()[0];
  log(`${langs} languages × ${per} predictions, ${resamples} resamples; ${cpus().length} CPUs, load ${load0.toFixed(2)}`);
  const timed = async (f: () => Promise<StatsRow[][]> | StatsRow[][]) => {
    const t = performance.now();
    const c = process.cpuUsage();
    const out = await f();
    const cpu = process.cpuUsage(c);
    return { out, seconds: (performance.now() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  const old = await timed(() => sets.map((s, l) => oldStats(s, seed(l), resamples)));
  log(`old (row-order engine): ${old.seconds.toFixed(2)} s, ${old.cpu.toFixed(2)} s CPU`);
  const neu = await timed(() => sets.map((s, l) => computeLanguageStats({ input: s, bins: DEFAULT_BINS, resamples, seed: seed(l) })));
  log(`new (sorted engine): ${neu.seconds.toFixed(2)} s, ${neu.cpu.toFixed(2)} s CPU`);
  const pool = new ThreadPool(computeThreadFile(), threads, langs, { priority: "normal" });
  // Start and warm the threads before the clock, as startStatsPool does when an import starts (its threads load and
  // warm up while the files are read; `calib recompute` keeps its pool for the whole command).
  await Promise.all(Array.from({ length: threads }, () => pool.run({ kind: "stats-warm" })));
  const par = await timed(() =>
    Promise.all(sets.map((s, l) => pool.run<StatsRow[]>({ kind: "stats", task: { input: s, bins: DEFAULT_BINS, resamples, seed: seed(l) } }))),
  );
  await pool.close();
  log(`new on ${threads} threads: ${par.seconds.toFixed(2)} s`);
  let diff = 0;
  let samePoint = true;
  let threadsSame = true;
  for (let l = 0; l < langs; l++) {
    if (JSON.stringify(par.out[l]) !== JSON.stringify(neu.out[l])) threadsSame = false;
    for (let i = 0; i < BINNINGS.length; i++) {
      const a = old.out[l][i];
      const c = neu.out[l][i];
      if (JSON.stringify(a.metrics) !== JSON.stringify(c.metrics)) samePoint = false;
      for (const [name, iv] of Object.entries(a.intervals)) {
        const other = (c.intervals as Record<string, [number, number]>)[name];
        diff = Math.max(diff, Math.abs(iv[0] - other[0]), Math.abs(iv[1] - other[1]));
      }
    }
  }
  if (!samePoint || !(diff <= 1e-12) || !threadsSame)
    throw new Error(`old and new disagree: point metrics identical ${samePoint}, max interval difference ${diff}, threads = in-process ${threadsSame}`);
  const r2 = (x: number) => Number(x.toFixed(2));
  console.log(
    JSON.stringify({
      bench: "stats",
      predictions: langs * per,
      languages: langs,
      resamples,
      old_s: r2(old.seconds),
      new_s: r2(neu.seconds),
      ratio: r2(old.seconds / neu.seconds),
      old_cpu_s: r2(old.cpu),
      new_cpu_s: r2(neu.cpu),
      cpu_ratio: r2(old.cpu / neu.cpu),
      threads,
      threads_s: r2(par.seconds),
      threads_ratio: r2(old.seconds / par.seconds),
      max_interval_diff: diff,
      point_metrics_identical: samePoint,
      threads_identical: threadsSame,
      load_avg: [r2(load0), r2(loadavg()[0])],
    }),
  );
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
