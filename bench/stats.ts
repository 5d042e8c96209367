/**
 * `npm run bench:stats`: the statistics of 1,000,000 predictions (10 languages × 100,000 questions, K = 4, as
 * bench:ingest imports), as recomputeRunStats computes them — per language, every metric for both binnings plus
 * the seeded 200-resample bootstrap — twice in one run, side by side: "old" walks every sorted entry for the
 * equal-mass and ACE groups (the reference procedure), "new" adds whole blocks (lib/calibration/resample.ts).
 * Same seeds, so the same resamples: the intervals must agree to rounding (max_interval_diff) and the point metrics
 * exactly. The reference pass runs first, the blocked one second, so warm-up favours neither much. Last line: one JSON object.
 *
 *   npm run bench:stats [-- --n 1000000 --languages 10 --resamples 200]
 */
import { cpus, loadavg } from "node:os";
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

type Result = { metrics: unknown; intervals: ReturnType<typeof bootstrapWithEngine> };

function statsOf(set: LabelledSet, seed: string, resamples: number, blocks: boolean): Result {
  const engine = new MetricEngine(set, DEFAULT_BINS);
  return { metrics: metricsFromEngine(engine, BINNINGS), intervals: bootstrapWithEngine(engine, { resamples, seed, binnings: BINNINGS, blocks }) };
}

function main(): void {
  const { values } = parseArgs({ options: { n: { type: "string", default: "1000000" }, languages: { type: "string", default: "10" }, resamples: { type: "string", default: "200" } } });
  const n = Number(values.n);
  const langs = Number(values.languages);
  const resamples = Number(values.resamples);
  const per = Math.ceil(n / langs);
  const sets = Array.from({ length: langs }, (_, l) => language(1000 + l, per));
  const log = (m: string) => process.stderr.write(`[bench:stats] ${m}\n`);
  log(`${langs} languages × ${per} predictions, ${resamples} resamples; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
  const run = (blocks: boolean) => {
    const t = performance.now();
    const c = process.cpuUsage();
    const out = sets.map((s, l) => statsOf(s, `bench/${l}`, resamples, blocks));
    const cpu = process.cpuUsage(c);
    return { out, seconds: (performance.now() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  const old = run(false);
  log(`old (every entry walked): ${old.seconds.toFixed(2)} s`);
  const neu = run(true);
  log(`new (blocked walks): ${neu.seconds.toFixed(2)} s`);
  let diff = 0;
  let samePoint = true;
  for (let l = 0; l < langs; l++) {
    if (JSON.stringify(old.out[l].metrics) !== JSON.stringify(neu.out[l].metrics)) samePoint = false;
    for (const b of BINNINGS) {
      const a = old.out[l].intervals[b] ?? {};
      const c = neu.out[l].intervals[b] ?? {};
      for (const [name, iv] of Object.entries(a)) {
        const other = (c as Record<string, [number, number]>)[name];
        diff = Math.max(diff, Math.abs(iv[0] - other[0]), Math.abs(iv[1] - other[1]));
      }
    }
  }
  if (!samePoint || !(diff < 1e-12)) throw new Error(`old and new disagree: point metrics identical ${samePoint}, max interval difference ${diff}`);
  console.log(
    JSON.stringify({
      bench: "stats",
      predictions: langs * per,
      languages: langs,
      resamples,
      old_s: Number(old.seconds.toFixed(2)),
      new_s: Number(neu.seconds.toFixed(2)),
      ratio: Number((old.seconds / neu.seconds).toFixed(2)),
      old_cpu_s: Number(old.cpu.toFixed(2)),
      new_cpu_s: Number(neu.cpu.toFixed(2)),
      max_interval_diff: diff,
      point_metrics_identical: samePoint,
      load_avg: Number(loadavg()[0].toFixed(2)),
    }),
  );
}

main();
