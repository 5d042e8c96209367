/**
 * The API leg of the import fuzz (tests/int/import/import-fuzz.int.test.ts runs the CLI leg with the same
 * mutations, tests/support/import-mutations.ts): mutated valid files of every format through POST /api/imports with
 * `Prefer: wait=30`, imported by the queue worker in this process. Whatever the bytes, the answer is 201/200 or the
 * typed 400/413 — never a 5xx, never a 202 (a job still going after 30 s is a hang). A refusal comes within 5 s
 * and leaves every table but ImportJob exactly as it was; an accepted file adds exactly the predictions it reports.
 * FUZZ_API_RUNS cases per format (default 30); the seed is printed on failure (rerun with FUZZ_SEED=<seed>).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../app/api/imports/route";
import { importRequest, startApiImports, type ApiImportEnv } from "../support/api-imports";
import { applyMutation, FUZZ_SEED_FILES, mutations } from "../support/import-mutations";
import { snapshot } from "../support/db-snapshot";
import { poolFor } from "../../lib/db/pool";

const RUNS = Number(process.env.FUZZ_API_RUNS ?? 30);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let api: ApiImportEnv;
let caseNo = 0;
const slowest = { refused: 0, accepted: 0 };
const snap = () => snapshot(poolFor(api.db.url), ["ImportJob"]);

async function post(name: string, content: Buffer, model: string) {
  const req = importRequest({ model, benchmark: `Fuzz-${name}` }, [{ name, content }], { prefer: "wait=30" });
  const t = performance.now();
  const res = await POST(req);
  const body = await res.json();
  const ms = performance.now() - t;
  const kind = res.status >= 400 ? "refused" : "accepted";
  slowest[kind] = Math.max(slowest[kind], ms);
  return { status: res.status, body, ms };
}

beforeAll(async () => {
  api = await startApiImports("fuzz_api");
});

afterAll(async () => {
  if (caseNo) console.log(
      `hostile-api-fuzz: ${caseNo} cases, slowest refusal ${Math.round(slowest.refused)} ms, slowest import ${Math.round(slowest.accepted)} ms`,
    );
  await api?.stop();
});

describe("import fuzzing through POST /api/imports", () => {
  for (const file of FUZZ_SEED_FILES) {
    const name = path.basename(file); // the same name: lm-eval takes the language from it
    it(`mutations of ${name}: 2xx or 4xx, never a 5xx or a hang, nothing written on refusal`, async () => {
      const original = readFileSync(file);
      // The unmutated file imports: the mutations start from valid input.
      const ok = await post(name, original, "Fuzz-seed");
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(mutations, async (ms) => {
          const n = ++caseNo;
          const before = await snap();
          // A model per case: a changed file is a new run, never a conflict with an earlier case's run.
          const r = await post(name, ms.reduce(applyMutation, original), `Fuzz-${n}`);
          const said = JSON.stringify(r.body).slice(0, 500);
          // A hang shows as a 202 (the job still going after 30 s); an accepted file's import and statistics may
          // take their time on a loaded machine, a refusal must come within 5 s.
          expect([200, 201, 400, 413], said).toContain(r.status);
          if (r.status >= 400) {
            refused++;
            expect(r.ms, said).toBeLessThan(5000);
            expect(r.body.error.code, said).toBe(r.status === 413 ? "TOO_LARGE" : "BAD_INPUT");
            expect(r.body.error.message, said).not.toMatch(/\n\s+at /);
            expect(await snap()).toEqual(before);
          } else {
            const added = (await snap()).Prediction.rows - before.Prediction.rows;
            expect(added, said).toBe(r.body.alreadyImported ? 0 : r.body.predictions);
          }
        }),
        { numRuns: RUNS, seed, endOnFailure: true },
      );
      // The mutations do hit the validation (a fuzzer whose inputs all import would test nothing).
      expect(refused).toBeGreaterThan(RUNS / 4);
    }, 120_000);
  }
});
