/**
 * POST /api/imports and GET /api/imports/<job> against a real Postgres with a queue worker running in this process:
 * the route only checks, stores and enqueues (202 + status URL); the worker imports; `Prefer: wait` waits for the job
 * and answers with its run. Upload limits, field order, temp files and the sweep are covered here too.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST } from "../../app/api/imports/route";
import { GET } from "../../app/api/imports/[id]/route";
import { API_TOKEN as TOKEN, importRequest as request, startApiImports, type ApiImportEnv } from "../support/api-imports";
import type { TestDatabase } from "../support/db";
import { waitFor } from "../support/wait-for";
import { poolFor } from "../../lib/db/pool";
import { sweepUploads, uploadsRoot } from "../../lib/import/upload/upload-dir";
import { fixture } from "../support/import-helpers";

let api: ApiImportEnv;
let db: TestDatabase;
const UPLOAD_VARS = [
  "ATLAS_IMPORT_MAX_BYTES",
  "ATLAS_UPLOAD_MAX_FILE_BYTES",
  "ATLAS_UPLOAD_MAX_FILES",
  "ATLAS_UPLOAD_MAX_TOTAL_BYTES",
  "ATLAS_UPLOAD_MIN_FREE_BYTES",
];

beforeAll(async () => {
  api = await startApiImports("api");
  db = api.db;
});

beforeEach(() => {
  process.env.ATLAS_API_TOKEN = TOKEN;
  for (const v of UPLOAD_VARS) delete process.env[v];
});

afterAll(async () => {
  await api?.stop();
});

const status = (id: string, token: string | null = TOKEN) =>
  GET(
    new Request(`http://localhost/api/imports/${id}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
    { params: Promise.resolve({ id }) },
  );

const scores = { name: "scores.jsonl", content: readFileSync(fixture("scores", "scores.jsonl")) };
const bad = {
  name: "mine.jsonl",
  content: `{"id":"a","language":"en","probs":[0.5,0.5],"label":0}\n{"id":"b","language":"en","probs":[0.5,-0.5],"label":0}\n`,
};
const uploads = () => (existsSync(uploadsRoot()) ? readdirSync(uploadsRoot()) : []);
const jobRows = async () =>
  (await poolFor(db.url).query<{ n: number }>(`SELECT count(*)::int AS n FROM "ImportJob"`)).rows[0].n;

describe("POST /api/imports", () => {
  it("answers 503 when ATLAS_API_TOKEN is unset, 401 without or with a wrong token (POST and GET)", async () => {
    delete process.env.ATLAS_API_TOKEN;
    const off = await POST(request({ model: "M", benchmark: "B" }, [scores]));
    expect(off.status).toBe(503);
    expect((await off.json()).error.message).toMatch(/imports disabled/);
    process.env.ATLAS_API_TOKEN = TOKEN;
    for (const token of [null, "wrong"]) {
      const res = await POST(request({ model: "M", benchmark: "B" }, [scores], { token }));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: "UNAUTHORIZED", message: "missing or wrong bearer token" },
      });
      expect((await status("00000000-0000-4000-8000-000000000000", token)).status).toBe(401);
    }
  });

  it("answers 400 naming the field for invalid or unknown fields, before storing anything", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ benchmark: "B" }, "model"],
      [{ model: "M", benchmark: "B", beta: "abc" }, "beta"],
      [{ model: "M", benchmark: "B", beta: "1.5" }, "beta"],
      [{ model: "M", benchmark: "B", format: "xlsx" }, "format"],
      [{ model: "M", benchmark: "B", language: "english" }, "language"],
      [{ model: "M", benchmark: "B", benchmrk: "x" }, "benchmrk"],
    ];
    const before = await jobRows();
    for (const [fields, field] of cases) {
      const res = await POST(request(fields, [scores]));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      const body = await res.json();
      expect(body.error).toMatchObject({ code: "BAD_INPUT", field });
    }
    const none = await POST(request({ model: "M", benchmark: "B" }, []));
    expect(none.status).toBe(400);
    expect((await none.json()).error.field).toBe("file");
    expect(await jobRows()).toBe(before);
    expect(uploads()).toEqual([]);
  });

  it("refuses form fields that come after a file, and a bad field before any file body is written", async () => {
    const late = await POST(request({ model: "M", benchmark: "B" }, [scores], { filesFirst: true }));
    expect(late.status).toBe(400);
    expect((await late.json()).error).toMatchObject({ code: "BAD_INPUT", field: "model" });
    const form = new FormData();
    form.append("model", "M");
    form.append("benchmark", "B");
    form.append("file", new Blob([new Uint8Array(scores.content)]), scores.name);
    form.append("beta", "0.1");
    const mixed = await POST(
      new Request("http://localhost/api/imports", {
        method: "POST",
        body: form,
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    );
    expect(mixed.status).toBe(400);
    expect((await mixed.json()).error).toMatchObject({
      field: "beta",
      message: expect.stringMatching(/comes after a file: send every form field before the files/),
    });
    expect(
      (await POST(request({ model: "M", benchmark: "B" }, [{ ...scores, field: "upload" }]))).status,
    ).toBe(400);
    expect(uploads()).toEqual([]);
  });

  it("queues the import: 202 with the job and its status URL, which reports the run once the worker is done", async () => {
    const res = await POST(request({ model: "Queued-M", benchmark: "GlobalMMLU" }, [scores]));
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toEqual({
      job: expect.any(String),
      status: "queued",
      statusUrl: `/api/imports/${body.job}`,
    });
    expect(res.headers.get("location")).toBe(body.statusUrl);
    const done = await waitFor(
      async () => (await status(body.job)).json(),
      (j) => j.status === "succeeded" || j.status === "failed",
    );
    expect(done).toMatchObject({
      job: body.job,
      status: "succeeded",
      result: { runId: expect.any(Number), predictions: 6, languages: ["en", "yo"], alreadyImported: false },
    });
    // The upload's files are gone once the job has ended.
    await waitFor(
      async () => uploads(),
      (u) => !u.includes(body.job),
      10_000,
    );
    expect((await status("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await status("1; DROP TABLE x")).status).toBe(400);
  });

  it("with Prefer: wait, answers like the synchronous route: 201 with the run, then 200 alreadyImported", async () => {
    const lm = {
      name: "samples_global_mmlu_full_de_abstract_algebra_2024-11-30T10-15-42.381204.jsonl",
      content: readFileSync(
        fixture("lm-eval", "samples_global_mmlu_full_de_abstract_algebra_2024-11-30T10-15-42.381204.jsonl"),
      ),
    };
    const fields = {
      model: "Gemma2-2B-Alpaca",
      base: "Gemma2-2B",
      sft: "Alpaca",
      beta: "0.1",
      benchmark: "GlobalMMLU",
      format: "",
    };
    const res = await POST(request(fields, [scores, lm], { prefer: "wait=30" }));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(res.headers.get("preference-applied")).toBe("wait=30");
    expect(body).toEqual({
      runId: expect.any(Number),
      predictions: 10,
      languages: ["de", "en", "yo"],
      alreadyImported: false,
    });
    const again = await POST(request(fields, [lm, scores], { prefer: "wait=30" }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...body, alreadyImported: true });
    const run = await db.prisma.run.findUniqueOrThrow({
      where: { id: body.runId },
      include: { model: true },
    });
    expect(run.model).toMatchObject({ sftDataset: "Alpaca", smoothing: 0.1 });
    expect((run.sourceFiles as { name: string }[]).map((f) => f.name)).toEqual([scores.name, lm.name]);
  });

  it("reports bad file content as 400 with the uploaded file's name and line, and nothing imported", async () => {
    const runs = await db.prisma.run.count();
    const res = await POST(request({ model: "M", benchmark: "B" }, [bad], { prefer: "wait=30" }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: "BAD_INPUT", file: "mine.jsonl", line: 2, field: "probs" });
    expect(body.error.message).toMatch(/^mine\.jsonl:2, field "probs": /);
    expect(await db.prisma.run.count()).toBe(runs);
    // The status URL of a job that failed on bad input carries the same error.
    const queued = await (await POST(request({ model: "M", benchmark: "B" }, [bad]))).json();
    const failed = await waitFor(
      async () => (await status(queued.job)).json(),
      (j) => j.status === "failed",
    );
    expect(failed.error).toEqual(body.error);
    // The worker removes the files right after recording the outcome.
    await waitFor(
      async () => uploads(),
      (u) => u.length === 0,
      10_000,
    );
  });

  it("answers 413 naming the limit: file size, file count, request size", async () => {
    process.env.ATLAS_IMPORT_MAX_BYTES = "64";
    const big = await POST(request({ model: "M", benchmark: "B" }, [scores]));
    expect(big.status).toBe(413);
    expect((await big.json()).error).toMatchObject({ code: "TOO_LARGE", file: "scores.jsonl" });
    delete process.env.ATLAS_IMPORT_MAX_BYTES;

    process.env.ATLAS_UPLOAD_MAX_FILE_BYTES = "64";
    const file = await POST(request({ model: "M", benchmark: "B" }, [scores]));
    expect(file.status).toBe(413);
    expect((await file.json()).error.message).toMatch(/over the 64-byte limit \(ATLAS_UPLOAD_MAX_FILE_BYTES/);
    delete process.env.ATLAS_UPLOAD_MAX_FILE_BYTES;

    process.env.ATLAS_UPLOAD_MAX_FILES = "2";
    const many = await POST(request({ model: "M", benchmark: "B" }, [scores, scores, scores]));
    expect(many.status).toBe(413);
    expect((await many.json()).error.message).toMatch(/more than 2 files .*ATLAS_UPLOAD_MAX_FILES/);
    delete process.env.ATLAS_UPLOAD_MAX_FILES;

    // Over the total while streaming (FormData bodies declare no length) …
    process.env.ATLAS_UPLOAD_MAX_TOTAL_BYTES = String(scores.content.length + 100);
    const total = await POST(request({ model: "M", benchmark: "B" }, [scores, scores]));
    expect(total.status).toBe(413);
    expect((await total.json()).error.message).toMatch(
      /over the \d+-byte limit of one request \(ATLAS_UPLOAD_MAX_TOTAL_BYTES\)/,
    );
    // … and from a declared Content-Length, before reading anything.
    const declared = new Request("http://localhost/api/imports", {
      method: "POST",
      body: "x",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "multipart/form-data; boundary=b",
        "content-length": String(1e12),
      },
    });
    expect((await POST(declared)).status).toBe(413);
    expect(uploads()).toEqual([]);
  });

  it("answers 507 when the data dir's disk cannot take the upload", async () => {
    process.env.ATLAS_UPLOAD_MIN_FREE_BYTES = String(2 ** 52);
    const res = await POST(request({ model: "M", benchmark: "B" }, [scores]));
    expect(res.status).toBe(507);
    expect((await res.json()).error).toMatchObject({
      code: "NO_SPACE",
      message: expect.stringMatching(/not enough free space .*ATLAS_UPLOAD_MIN_FREE_BYTES/),
    });
  });

  it("the sweep removes leftover uploads and keeps those of queued jobs", async () => {
    const root = uploadsRoot();
    const pool = poolFor(db.url);
    const live = "11111111-1111-4111-8111-111111111111";
    await pool.query(`INSERT INTO "ImportJob" ("id", "fields", "files") VALUES ($1, '{}', '[]')`, [live]);
    for (const d of [live, "22222222-2222-4222-8222-222222222222", "part-upload"])
      mkdirSync(path.join(root, d), { recursive: true });
    expect((await sweepUploads(pool, root)).sort()).toEqual([
      "22222222-2222-4222-8222-222222222222",
      "part-upload",
    ]);
    expect(readdirSync(root)).toEqual([live]);
    await pool.query(`DELETE FROM "ImportJob" WHERE "id" = $1`, [live]);
    rmSync(path.join(root, live), { recursive: true });
  });
});
