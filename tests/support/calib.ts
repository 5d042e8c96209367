/** Running `calib` from tests: as a child process (real exit codes), or in-process through its own dispatcher. */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { vi } from "vitest";
import { runCalib } from "../../cli/main";

export interface CalibResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const root = path.resolve(__dirname, "../..");

/** A `calib` child process: its output so far, and its exit code once it has exited. */
export interface CalibChild {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/**
 * Starts `node cli/calib.ts ARGS` from the repository root with DATABASE_URL = url, as `npm run calib` runs it (the
 * react-server condition, tsx). The one way tests spawn the CLI: for a test that acts while it runs (kills its
 * database mid-import), or, through calibSpawned, one that waits for it.
 */
export function startCalib(url: string, args: string[]): CalibChild {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "cli/calib.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };
  child.stdout?.on("data", (d) => (out.stdout += d));
  child.stderr?.on("data", (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
  return { child, out, exited };
}

/** `calib ARGS` to the end: its exit code (real, not thrown) and its whole output. */
export async function calibSpawned(url: string, args: string[]): Promise<CalibResult> {
  const { out, exited } = startCalib(url, args);
  const code = await exited;
  return { code, ...out };
}

/** The same command in this process (DATABASE_URL must be set), with stderr captured and stdout discarded. */
export async function calibInProcess(args: string[]): Promise<CalibResult & { code: number }> {
  const lines: string[] = [];
  const err = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    const code = await runCalib(args);
    return { code, stdout: "", stderr: lines.join("\n") };
  } finally {
    err.mockRestore();
    out.mockRestore();
    log.mockRestore();
  }
}
