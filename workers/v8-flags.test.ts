import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { missingScoringFlags, SCORING_V8_FLAGS } from "./v8-flags";

const root = path.resolve(__dirname, "..");

describe("scoring V8 flags", () => {
  it("are on the command line of every npm script that scores or imports", () => {
    const scripts = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<string, string>;
    for (const name of ["worker", "calib", "bench:worker", "bench:split", "bench:ingest", "bench:ingest-floor"]) {
      const args = scripts[name].split(/\s+/);
      for (const flag of SCORING_V8_FLAGS) expect(args, `${name}: ${scripts[name]}`).toContain(flag);
    }
  });

  it("are passed to the demo's worker child", () => {
    expect(readFileSync(path.join(root, "scripts/serve.ts"), "utf8")).toMatch(/run\(process\.execPath, \[\.\.\.SCORING_V8_FLAGS, .*workers\/main\.ts/);
  });

  it("are passed to the workers bench:load-import and bench:split start (imports, a whole split)", () => {
    for (const file of ["bench/load-import.ts", "bench/split.ts"])
      expect(readFileSync(path.join(root, file), "utf8"), file).toMatch(/spawn\(process\.execPath, \[\.\.\.SCORING_V8_FLAGS, .*workers\/main\.ts/);
  });

  it("reports the ones a process lacks", () => {
    expect(missingScoringFlags(["--conditions=react-server"])).toEqual([...SCORING_V8_FLAGS]);
    expect(missingScoringFlags([...SCORING_V8_FLAGS, "--import", "tsx"])).toEqual([]);
  });
});
