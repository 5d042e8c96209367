/**
 * Fuzzing `calib import` with mutated valid files of every format (byte flips, inserted bytes, truncation, duplicated,
 * dropped and swapped lines, swapped fields): whatever the bytes, the answer is success (exit 0) or the typed input
 * error (exit 2 with a `calib: file…` message), never exit 1 or an exception; every case ends within 5 s (a
 * synchronous hang cannot be interrupted in-process, but a super-linear one shows as a slow case); and a refused
 * import leaves the database exactly as it was. ~80 cases per seed file; the seed is printed on failure
 * (rerun with FUZZ_SEED=<seed>).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibInProcess } from "../../support/calib";
import { freshDatabase, type TestDatabase } from "../../support/db";
import { applyMutation, FUZZ_SEED_FILES, mutations } from "../../support/import-mutations";
import { snapshot } from "../../support/db-snapshot";

const SEEDS = FUZZ_SEED_FILES;
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let db: TestDatabase;
let client: pg.Client;
let dir: string;
let caseNo = 0;

beforeAll(async () => {
  db = await freshDatabase("fuzz");
  process.env.DATABASE_URL = db.url;
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  dir = mkdtempSync(path.join(tmpdir(), "atlas-fuzz-"));
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe("import fuzzing", () => {
  for (const file of SEEDS) {
    const name = path.basename(file);
    it(`mutations of ${name}: exit 0 or 2, never a hang, nothing written on refusal`, async () => {
      const original = readFileSync(file);
      // The unmutated file imports: the mutations start from valid input.
      const ok = await calibInProcess(["import", file, "--model", `Fuzz-seed`, "--benchmark", `Fuzz-${name}`, "--no-stats"]);
      expect(ok.code, ok.stderr).toBe(0);
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(mutations, async (ms) => {
          const n = ++caseNo;
          const mutated = ms.reduce(applyMutation, original);
          const p = path.join(dir, String(n));
          await import("node:fs/promises").then((fs) => fs.mkdir(p));
          const target = path.join(p, name); // same name: lm-eval takes the language from it
          writeFileSync(target, mutated);
          const before = await snapshot(client);
          const t = performance.now();
          // A model per case: a changed file is a new run, never a conflict with an earlier case's run.
          const r = await calibInProcess(["import", target, "--model", `Fuzz-${n}`, "--benchmark", `Fuzz-${name}`, "--no-stats"]);
          const ms_ = performance.now() - t;
          expect(ms_).toBeLessThan(5000);
          expect([0, 2], r.stderr).toContain(r.code);
          if (r.code === 2) {
            refused++;
            expect(r.stderr).toMatch(/^calib: /);
            expect(r.stderr).not.toMatch(/\n\s+at /);
            expect(await snapshot(client)).toEqual(before);
          }
        }),
        { numRuns: RUNS, seed, endOnFailure: true },
      );
      // The mutations do hit the validation (a fuzzer whose inputs all import would test nothing).
      expect(refused).toBeGreaterThan(RUNS / 4);
    }, 240_000);
  }
});
