/**
 * The hostile-input corpus (tests/support/hostile-corpus.ts) through POST /api/imports, the way a client sends it:
 * multipart with the case's upload name and flags as form fields, the bearer token and `Prefer: wait=30`, imported
 * by the queue worker running in this process. Every crafted file is answered with a 4xx (413 for the cases over the
 * importer's size limits) whose error names the problem and the file:line:field the CLI names, within 5 s of the
 * request's start, and leaves every table but ImportJob (where the failure is recorded) exactly as it was: row
 * counts and an md5 of the rows, Prediction and Question included. The accepted-hostile inputs import (201).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../app/api/imports/route";
import { flagsToFields, importRequest, startApiImports, type ApiImportEnv } from "../support/api-imports";
import { ACCEPTED_HOSTILE, HOSTILE_CASES, type HostileCase } from "../support/hostile-corpus";
import { fixture } from "../../lib/import/__tests__/helpers";
import { snapshot } from "../../lib/import/__tests__/db-snapshot";
import { poolFor } from "../../lib/db/pool";
import { readFileSync } from "node:fs";

let api: ApiImportEnv;
const FIELDS = { model: "Hostile-1", benchmark: "Hostile" };
/** ImportJob records every API import's outcome, a refusal included; the pg-boss tables are in their own schema. */
const JOB_TABLES = ["ImportJob"];
const latencies: { kind: string; ms: number }[] = [];

const snap = () => snapshot(poolFor(api.db.url), JOB_TABLES);

async function post(k: HostileCase, fields: Record<string, string> = FIELDS) {
  const req = importRequest({ ...fields, ...flagsToFields(k.flags) }, [{ name: k.uploadName, content: k.content }], {
    prefer: "wait=30",
  });
  const t = performance.now();
  const res = await POST(req);
  const body = await res.json();
  return { res, body, ms: performance.now() - t };
}

beforeAll(async () => {
  api = await startApiImports("hostile_api");
  // Some content first, so "unchanged" is checked against real rows.
  const seed = { name: "scores.jsonl", content: readFileSync(fixture("scores", "scores.jsonl")) };
  const res = await POST(importRequest(FIELDS, [seed], { prefer: "wait=30" }));
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  const seeded = await snap();
  expect(seeded.Prediction.rows).toBeGreaterThan(0);
  expect(seeded.Question.rows).toBeGreaterThan(0);
});

afterAll(async () => {
  if (latencies.length) {
    const worst = latencies.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.log(`hostile-api: ${latencies.length} cases, slowest ${worst.kind} ${Math.round(worst.ms)} ms`);
  }
  await api?.stop();
});

describe("hostile input through POST /api/imports", () => {
  it("has at least 25 kinds", () => expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(25));

  for (const k of HOSTILE_CASES) {
    const where = `${k.file}${k.line ? `:${k.line}` : ""}`;
    it(`refuses ${k.kind}: ${k.tooLarge ? 413 : 400}, ${k.expect} at ${where}, < 5 s, nothing written`, async () => {
      const before = await snap();
      const { res, body, ms } = await post(k);
      latencies.push({ kind: k.kind, ms });
      expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(k.tooLarge ? 413 : 400);
      expect(body.error.code).toBe(k.tooLarge ? "TOO_LARGE" : "BAD_INPUT");
      expect(body.error.message).toContain(k.expect);
      // The uploaded name's base name only (the path-traversal case uploads "../../…/evil.jsonl").
      expect(body.error.file).toBe(k.file);
      expect(body.error.message).toContain(where);
      if (k.line !== undefined) expect(body.error.line).toBe(k.line);
      if (k.field) {
        expect(body.error.field).toBe(k.field);
        expect(body.error.message).toContain(`field "${k.field}"`);
      }
      expect(body.error.message).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(ms).toBeLessThan(5000);
      expect(await snap()).toEqual(before);
    });
  }

  for (const k of ACCEPTED_HOSTILE) {
    it(`imports ${k.kind}: 201`, async () => {
      const { res, body } = await post(k, { ...FIELDS, model: `Hostile-${k.kind}` });
      expect(res.status, JSON.stringify(body)).toBe(201);
      expect(body.predictions).toBe(2);
    });
  }
});
