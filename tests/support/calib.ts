/** Running `calib` from tests: as a child process (real exit codes), or in-process through its own dispatcher. */
import { spawn } from "node:child_process";
import { vi } from "vitest";
import { runCalib } from "../../cli/main";

export interface CalibResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node cli/calib.ts ARGS` with DATABASE_URL = url. */
export function calibSpawned(url: string, args: string[]): Promise<CalibResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "cli/calib.ts", ...args], {
      env: { ...process.env, DATABASE_URL: url },
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
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
