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
import { fixture } from "../support/import-helpers";
import { snapshot } from "../support/db-snapshot";
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

  // Hostile parts of the request itself (not the file): names and form fields.
  const refusedRow = Buffer.from('{"id": "a", "language": "en", "probs": [0.5, -0.5], "label": 0}\n');
  const requestCases: { kind: string; fields?: Record<string, string>; name?: string; field: string; expect: string }[] = [
    { kind: "NUL in the model field", fields: { model: "a\u0000b" }, field: "model", expect: "contains a NUL character" },
    { kind: "NUL in the subject field", fields: { subject: "\u0000" }, field: "subject", expect: "contains a NUL character" },
    { kind: "NUL in the file name", name: "a\u0000b.jsonl", field: "file", expect: "malformed multipart body" },
    { kind: "100 KB file name", name: `${"x".repeat(100_000)}.jsonl`, field: "file", expect: "malformed multipart body" },
  ];
  for (const c of requestCases) {
    it(`refuses a request with ${c.kind}: 400 naming the field, nothing stored`, async () => {
      // Refused before the job is recorded: not even an ImportJob row.
      const before = await snapshot(poolFor(api.db.url));
      const req = importRequest({ ...FIELDS, ...c.fields }, [{ name: c.name ?? "f.jsonl", content: refusedRow }], {
        prefer: "wait=30",
      });
      const res = await POST(req);
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(body.error).toMatchObject({ code: "BAD_INPUT", field: c.field });
      expect(body.error.message).toContain(c.expect);
      expect(await snapshot(poolFor(api.db.url))).toEqual(before);
    });
  }

  it("keeps a non-ASCII upload name as sent (UTF-8, not latin1) in errors and in the run's sources", async () => {
    const name = "données_ü.jsonl";
    const refused = await post({ ...HOSTILE_CASES[0], kind: "utf8-name", uploadName: name, content: refusedRow });
    expect(refused.body.error).toMatchObject({ file: name, line: 1, field: "probs" });
    const seed = readFileSync(fixture("scores", "scores.jsonl"));
    const ok = await post({ ...HOSTILE_CASES[0], uploadName: name, content: seed }, { ...FIELDS, model: "Hostile-utf8" });
    expect(ok.res.status, JSON.stringify(ok.body)).toBe(201);
    const run = await api.db.prisma.run.findUniqueOrThrow({ where: { id: ok.body.runId } });
    expect((run.sourceFiles as { name: string }[]).map((f) => f.name)).toEqual([name]);
  });

  for (const k of ACCEPTED_HOSTILE) {
    it(`imports ${k.kind}: 201`, async () => {
      const { res, body } = await post(k, { ...FIELDS, model: `Hostile-${k.kind}` });
      expect(res.status, JSON.stringify(body)).toBe(201);
      expect(body.predictions).toBe(2);
    });
  }
});
