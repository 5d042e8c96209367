/**
 * One whole GlobalMMLU split (14,042 questions) through worker processes with the tiny fixture model: bench/split.ts
 * plans it, kills the first worker a third of the way, resumes with the same request and a second worker, and itself
 * checks one prediction per question, progress at the total and statistics over every question (it exits non-zero
 * otherwise). Here it runs against the test cluster; its JSON line is checked too. ~70 s on the 2-core VM.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, inject, it } from "vitest";
import { withDatabase } from "../support/global-db";
import { SCORING_V8_FLAGS } from "../../workers/v8-flags";

const root = path.resolve(import.meta.dirname, "../..");

it("a full 14,042-question split: scored, killed, resumed, one prediction each, statistics", { timeout: 1_200_000 }, () => {
  const r = spawnSync(process.execPath, [...SCORING_V8_FLAGS, "--conditions=react-server", "--import", "tsx", "bench/split.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: withDatabase(inject("adminUrl"), "postgres") },
    encoding: "utf8",
    timeout: 1_100_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const line = JSON.parse(r.stdout.trim().split("\n").pop() as string);
  expect(line).toMatchObject({ bench: "split", questions: 14_042, predictions: 14_042 });
  expect(line.done_at_kill).toBeGreaterThan(0);
  expect(line.done_at_kill).toBeLessThan(14_042);
});
