/**
 * `npm run bench:metrics` — the full metric set of lib/calibration (accuracy, confidence, entropy,
 * ECE/RMS/MCE with reliability bins, SCE, ACE, Brier, NLL, smECE with its curve; bootstrap excluded) on
 * 1,000,000 generated questions with K = 4 and K = 10, against a vectorised NumPy implementation of the
 * same set (bench/metrics_numpy.py) when python3 has numpy.
 *
 * Each case runs in a child process so that its peak RSS is its own. Data: seeded (sfc32) logits
 * N(0, 2²) per option, softmaxed; gold labels drawn from a flattened version of the probabilities, so
 * the model is overconfident as in the paper. Timing: one warm-up run, then the median of 3 runs of
 * computeMetrics on typed arrays already in memory (no parsing, no validation), same for NumPy.
 * The last lines are one JSON object per case.
 *
 *   node --import tsx bench/metrics.ts [--n 1000000] [--k 4,10] [--repeats 3]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { computeMetrics, type LabelledSet, Rng } from "../lib/calibration/index";

const BINS = 15;

interface CaseResult {
  n: number;
  k: number;
  seconds: number;
  runs: number[];
  /** CPU seconds of the median run's process (user + system): less sensitive than wall time to other load. */
  cpuSeconds: number;
  peakRssMb: number;
  metrics: Record<string, number | null>;
}

function generate(n: number, k: number, seed: number): LabelledSet {
  const rng = new Rng(seed);
  const probs = new Float64Array(n * k);
  const offsets = new Int32Array(n + 1);
  const labels = new Int32Array(n);
  const flat = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    offsets[i + 1] = o + k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const l = 2 * rng.nextNormal();
      probs[o + j] = l;
      if (l > max) max = l;
    }
    let s = 0;
    let sf = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(probs[o + j] - max);
      probs[o + j] = e;
      flat[j] = Math.sqrt(e); // temperature 2: the truth is flatter than the model believes
      s += e;
      sf += flat[j];
    }
    for (let j = 0; j < k; j++) probs[o + j] /= s;
    let u = rng.nextFloat() * sf;
    let y = k - 1;
    for (let j = 0; j < k; j++) {
      u -= flat[j];
      if (u < 0) {
        y = j;
        break;
      }
    }
    labels[i] = y;
  }
  return { kind: "labelled", n, offsets, probs, maxK: k, labels };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Child: generate, optionally dump for NumPy, time computeMetrics, print one JSON line. */
function runCase(n: number, k: number, repeats: number, dumpDir: string | undefined): void {
  const set = generate(n, k, 20240 + k);
  if (dumpDir) {
    writeFileSync(join(dumpDir, `probs-${k}.f64`), Buffer.from(set.probs.buffer, set.probs.byteOffset, set.probs.byteLength));
    writeFileSync(join(dumpDir, `labels-${k}.i32`), Buffer.from(set.labels.buffer, set.labels.byteOffset, set.labels.byteLength));
  }
  computeMetrics(set, { bins: BINS }); // warm-up (JIT)
  const runs: number[] = [];
  const cpu: number[] = [];
  let m = computeMetrics(set, { bins: BINS });
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    m = computeMetrics(set, { bins: BINS });
    runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  const result: CaseResult = {
    n,
    k,
    seconds: median(runs),
    runs,
    cpuSeconds: median(cpu),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    metrics: {
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
      smece_sigma: m.smeceSigma,
    },
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

function hasNumpy(): string | null {
  try {
    return execFileSync("python3", ["-c", "import numpy; print(numpy.__version__)"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return null;
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      n: { type: "string", default: "1000000" },
      k: { type: "string", default: "4,10" },
      repeats: { type: "string", default: "3" },
      case: { type: "string" },
      dump: { type: "string" },
    },
  });
  const n = Number(values.n);
  const repeats = Number(values.repeats);
  if (values.case) return runCase(n, Number(values.case), repeats, values.dump);

  const numpy = hasNumpy();
  const dir = numpy ? mkdtempSync(join(tmpdir(), "bench-metrics-")) : undefined;
  console.log(`bench:metrics — ${n.toLocaleString("en")} questions, ${BINS} bins, full metric set (bootstrap excluded); node ${process.version}`);
  console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} (wall times grow with other load; CPU times less so)`);
  if (!numpy) console.log("python3 with numpy not found: skipping the NumPy comparison (apt-get install -y python3-numpy to enable)");
  const lines: string[] = [];
  try {
    for (const k of values.k.split(",").map(Number)) {
      const child = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, "--case", String(k), "--n", String(n), "--repeats", String(repeats), ...(dir ? ["--dump", dir] : [])], {
        encoding: "utf8",
        maxBuffer: 1 << 24,
      });
      if (child.status !== 0) throw new Error(`case k=${k} failed:\n${child.stderr}`);
      const r = JSON.parse(child.stdout.trim().split("\n").pop() as string) as CaseResult;
      console.log(
        `\nK = ${k}: TypeScript ${r.seconds.toFixed(3)} s (median of ${r.runs.map((s) => s.toFixed(3)).join(", ")}; ${r.cpuSeconds.toFixed(3)} s CPU), ${Math.round(n / r.seconds).toLocaleString("en")} questions/s, peak RSS ${r.peakRssMb.toFixed(0)} MB`,
      );
      let numpySeconds: number | null = null;
      if (dir) {
        const py = spawnSync("python3", [join(import.meta.dirname, "metrics_numpy.py"), join(dir, `probs-${k}.f64`), join(dir, `labels-${k}.i32`), String(n), String(k), String(BINS), String(repeats)], {
          encoding: "utf8",
        });
        if (py.status !== 0) console.log(`  NumPy run failed: ${py.stderr.trim().split("\n").pop()}`);
        else {
          const res = JSON.parse(py.stdout) as { numpy: string; seconds: number[]; cpu_seconds: number[]; metrics: Record<string, number> };
          numpySeconds = median(res.seconds);
          let worst = 0;
          let worstName = "";
          for (const [name, v] of Object.entries(r.metrics)) {
            const d = Math.abs((v as number) - res.metrics[name]);
            if (d > worst) [worst, worstName] = [d, name];
          }
          console.log(
            `  NumPy ${res.numpy}: ${numpySeconds.toFixed(3)} s (median of ${res.seconds.map((s) => s.toFixed(3)).join(", ")}; ${median(res.cpu_seconds).toFixed(3)} s CPU, which counts NumPy's own threads) → TypeScript is ${(numpySeconds / r.seconds).toFixed(2)}× NumPy's speed`,
          );
          console.log(`  values agree: max |TS − NumPy| over all metrics = ${worst.toExponential(2)}${worstName ? ` (${worstName})` : ""}`);
        }
      }
      const m = r.metrics;
      console.log(`  accuracy ${m.accuracy?.toFixed(4)}  conf ${m.confidence?.toFixed(4)}  ECE ${m.ece?.toFixed(4)}  RMS ${m.rms?.toFixed(4)}  SCE ${m.sce?.toFixed(4)}  ACE ${m.ace?.toFixed(4)}  smECE ${m.smece?.toFixed(4)} (σ* ${m.smece_sigma})`);
      lines.push(
        JSON.stringify({
          bench: "metrics",
          n,
          k,
          seconds: Number(r.seconds.toFixed(4)),
          questions_per_s: Math.round(n / r.seconds),
          peak_rss_mb: Number(r.peakRssMb.toFixed(1)),
          cpu_seconds: Number(r.cpuSeconds.toFixed(4)),
          numpy_seconds: numpySeconds === null ? null : Number(numpySeconds.toFixed(4)),
        }),
      );
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  console.log("");
  for (const l of lines) console.log(l);
}

main();
