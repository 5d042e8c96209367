import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_SPECS, readEnv, validateEnv, type EnvName } from "./env";
import { renderEnvExample, withEnvTable } from "./env-docs";

const ROOT = path.resolve(import.meta.dirname, "..");
const SKIP = new Set(["env.test.ts", "node_modules", ".git", ".next", "generated", "docs", "data", "models", "test-results", "out"]);

/** The project's source files, as `grep -r --include=*.ts --include=*.tsx --include=*.mjs --include=*.sh` sees them. */
function sources(dir = ROOT, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".atlas") || SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.(?:tsx?|mjs|sh)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe("env module", () => {
  it("parses every default with its own schema", () => {
    expect(() => validateEnv({})).not.toThrow();
    expect(readEnv("ATLAS_PG_PORT", {})).toBe(54329);
    expect(readEnv("ATLAS_IMPORT_MAX_BYTES", {})).toBe(20 * 1024 ** 3);
    expect(readEnv("ATLAS_SEED", {})).toBe(true);
    expect(readEnv("ATLAS_COMPUTE_THREADS", {})).toBeUndefined();
  });

  it("refuses an invalid value with the variable's name, the expected form and the value", () => {
    expect(() => readEnv("ATLAS_PG_POOL", { ATLAS_PG_POOL: "eight" })).toThrow('ATLAS_PG_POOL must be an integer ≥ 1 (got "eight")');
    expect(() => readEnv("ATLAS_PG_PORT", { ATLAS_PG_PORT: "70000" })).toThrow("ATLAS_PG_PORT must be a port number");
    expect(() => readEnv("ATLAS_SEED", { ATLAS_SEED: "yes" })).toThrow('ATLAS_SEED must be 0 or 1 (got "yes")');
    expect(() => readEnv("ATLAS_IMPORT_WORK_MEM", { ATLAS_IMPORT_WORK_MEM: "1; DROP" })).toThrow("ATLAS_IMPORT_WORK_MEM");
    expect(() => validateEnv({ ATLAS_SPLIT_STALE_S: "-1" })).toThrow("ATLAS_SPLIT_STALE_S must be a number > 0");
  });

  it("reads per call, so a value changed at run time is seen (cached by the raw string); empty means unset", () => {
    const env: Record<string, string | undefined> = { ATLAS_UPLOAD_MAX_FILES: "3" };
    expect(readEnv("ATLAS_UPLOAD_MAX_FILES", env)).toBe(3);
    env.ATLAS_UPLOAD_MAX_FILES = "5";
    expect(readEnv("ATLAS_UPLOAD_MAX_FILES", env)).toBe(5);
    env.ATLAS_UPLOAD_MAX_FILES = "";
    expect(readEnv("ATLAS_UPLOAD_MAX_FILES", env)).toBe(64);
    expect(readEnv("ATLAS_EP", { ATLAS_EP: " CUDA " })).toBe("cuda");
  });
});

describe("env declarations cover the code", () => {
  const files = sources();

  it("declares every ATLAS_* name the code mentions, and mentions every declared one", () => {
    const used = new Set<string>();
    for (const f of files) for (const m of readFileSync(f, "utf8").matchAll(/ATLAS_[A-Z0-9_]+/g)) used.add(m[0]);
    const declared = new Set(Object.keys(ENV_SPECS));
    expect([...used].filter((n) => !declared.has(n)).sort(), "ATLAS_* names missing from lib/env.ts").toEqual([]);
    const envTs = path.join(ROOT, "lib/env.ts");
    const usedElsewhere = new Set<string>();
    for (const f of files) if (f !== envTs) for (const m of readFileSync(f, "utf8").matchAll(/ATLAS_[A-Z0-9_]+/g)) usedElsewhere.add(m[0]);
    expect([...declared].filter((n) => !usedElsewhere.has(n)), "declared but read nowhere").toEqual([]);
  });

  it("no file but lib/env.ts reads process.env.ATLAS_* (writes by tests and bench are fine)", () => {
    // A read: process.env.ATLAS_NAME or process.env["ATLAS_NAME"] not followed by a plain `=` and not after `delete`,
    // or ATLAS_NAME destructured from process.env.
    const read = /(?<!delete\s+)process\.env(?:\.ATLAS_\w+\b|\[\s*["'`]ATLAS_\w+["'`]\s*\])(?!\s*=[^=])|\{[^}]*\bATLAS_[^}]*\}\s*=\s*process\.env\b/g;
    const offenders = files
      .filter((f) => !f.endsWith(path.join("lib", "env.ts")) && !f.endsWith("env.test.ts"))
      .flatMap((f) => [...readFileSync(f, "utf8").matchAll(read)].map((m) => `${path.relative(ROOT, f)}: ${m[0]}`));
    expect(offenders).toEqual([]);
  });

  it(".env.example and docs/configuration.md list every variable with its default (npm run env:docs)", () => {
    const example = readFileSync(path.join(ROOT, ".env.example"), "utf8");
    expect(example, "run `npm run env:docs`").toBe(renderEnvExample());
    for (const n of Object.keys(ENV_SPECS) as EnvName[]) expect(example).toMatch(new RegExp(`^#? ?${n}=`, "m"));
    const doc = readFileSync(path.join(ROOT, "docs/configuration.md"), "utf8");
    expect(doc, "run `npm run env:docs`").toBe(withEnvTable(doc));
  });
});
