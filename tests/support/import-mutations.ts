/**
 * Mutations of valid import files for the fuzz tests (fast-check): byte flips, inserted bytes, truncation,
 * duplicated, dropped and swapped lines, swapped comma-separated fields. Shared by the CLI fuzz
 * (tests/int/import/import-fuzz.int.test.ts) and the API fuzz (tests/int/hostile-api-fuzz.int.test.ts), with
 * the valid seed files of every format they start from.
 */
import path from "node:path";
import fc from "fast-check";

const FIXTURES = path.resolve(__dirname, "../fixtures/imports");

/** One valid file per import format (lm-eval samples, scores JSONL, per-option CSV, array CSV, Plaut text). */
export const FUZZ_SEED_FILES: readonly string[] = [
  path.join(FIXTURES, "lm-eval", "samples_global_mmlu_full_de_abstract_algebra_2024-11-30T10-15-42.381204.jsonl"),
  path.join(FIXTURES, "scores", "scores.jsonl"),
  path.join(FIXTURES, "scores", "per-option.csv"),
  path.join(FIXTURES, "scores", "array.csv"),
  path.join(FIXTURES, "plaut", "arc__tiny__base.txt"),
];

export type Mutation =
  | { op: "flip"; at: number; byte: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "truncate"; at: number }
  | { op: "dupLine" | "dropLine"; at: number }
  | { op: "swapLines"; a: number; b: number }
  | { op: "swapFields"; at: number; a: number; b: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constantFrom("dupLine" as const, "dropLine" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swapLines" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant("swapFields" as const), at: fc.nat(), a: fc.nat(), b: fc.nat() }),
);

/** One to three mutations, applied in order with `applyMutation`. */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(mutation, { minLength: 1, maxLength: 3 });

export function applyMutation(buf: Buffer, m: Mutation): Buffer {
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
