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
import { calibInProcess } from "../../../tests/support/calib";
import { freshDatabase, type TestDatabase } from "../../../tests/support/db";
import { snapshot } from "./db-snapshot";
import { fixture } from "./helpers";

const SEEDS = [
  fixture("lm-eval", "samples_global_mmlu_full_de_abstract_algebra_2024-11-30T10-15-42.381204.jsonl"),
  fixture("scores", "scores.jsonl"),
  fixture("scores", "per-option.csv"),
  fixture("scores", "array.csv"),
  fixture("plaut", "arc__tiny__base.txt"),
];
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

type Mutation =
  | { op: "flip"; at: number; byte: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "truncate"; at: number }
  | { op: "dupLine" | "dropLine"; at: number }
  | { op: "swapLines"; a: number; b: number }
  | { op: "swapFields"; at: number; a: number; b: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constantFrom("dupLine" as const, "dropLine" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swapLines" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant("swapFields" as const), at: fc.nat(), a: fc.nat(), b: fc.nat() }),
);

function apply(buf: Buffer, m: Mutation): Buffer {
  const n = Math.max(buf.length, 1);
  switch (m.op) {
    case "flip": {
      const out = Buffer.from(buf);
      if (out.length) out[m.at % n] = m.byte;
      return out;
    }
    case "insert":
      return Buffer.concat([buf.subarray(0, m.at % (n + 1)), m.bytes, buf.subarray(m.at % (n + 1))]);
    case "truncate":
      return buf.subarray(0, m.at % n);
  }
  const lines = buf.toString("latin1").split("\n"); // latin1: a byte-exact round trip
  const i = (k: number) => k % lines.length;
  if (m.op === "dupLine") lines.splice(i(m.at), 0, lines[i(m.at)]);
  else if (m.op === "dropLine") lines.splice(i(m.at), 1);
  else if (m.op === "swapLines") [lines[i(m.a)], lines[i(m.b)]] = [lines[i(m.b)], lines[i(m.a)]];
  else if (m.op === "swapFields") {
    // Fields of JSON and CSV rows alike are separated by commas.
    const f = lines[i(m.at)].split(",");
    const a = m.a % f.length;
    const b = m.b % f.length;
    [f[a], f[b]] = [f[b], f[a]];
    lines[i(m.at)] = f.join(",");
  }
  return Buffer.from(lines.join("\n"), "latin1");
}

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
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
          const n = ++caseNo;
          const mutated = ms.reduce(apply, original);
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
