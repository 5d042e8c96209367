/**
 * `npm run worker` as a separate process against a given database (as on another machine), and a generated
 * dataset in GlobalMMLU's layout (test_<lang>.jsonl + dev_<lang>.jsonl) for it to evaluate with the tiny fixture model.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { until } from "./fault-cluster";

const root = path.resolve(import.meta.dirname, "../..");

export interface WorkerProcess {
  proc: ChildProcess;
  output(): string;
  /** Job ids this worker finished, from its "done" lines. */
  doneJobs(): string[];
  stop(): Promise<void>;
}

export async function startWorkerProcess(url: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, ATLAS_MODELS_DIR: path.join(root, "tests/fixtures/models"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  await until(() => out.includes("worker ready") || proc.exitCode !== null, 60_000, "the worker to start");
  if (proc.exitCode !== null) throw new Error(`worker exited ${proc.exitCode}:\n${out}`);
  return {
    proc,
    output: () => out,
    doneJobs: () => [...out.matchAll(/: done \S+ job (\S+) /g)].map((m) => m[1]),
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

const WORDS = "the of and to in is was for on that with as by at from this which are be or an have not it were".split(" ");

/** `languages` × `questions` test questions (plus 5 dev questions each) in the GlobalMMLU jsonl layout. */
export function writeGlobalMmluDataset(dir: string, languages: string[], questions: number): void {
  mkdirSync(dir, { recursive: true });
  let s = 7;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const words = (k: number) => Array.from({ length: k }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");
  const rows = (split: string, n: number) =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        sample_id: `${split}/${i}`,
        subject: "miscellaneous",
        subject_category: "Other",
        question: `${words(12)}?`,
        option_a: words(2),
        option_b: words(3),
        option_c: words(2),
        option_d: words(3),
        answer: "ABCD"[i % 4],
      }),
    ).join("\n") + "\n";
  for (const l of languages) {
    writeFileSync(path.join(dir, `test_${l}.jsonl`), rows("test", questions));
    writeFileSync(path.join(dir, `dev_${l}.jsonl`), rows("dev", 5));
  }
}
