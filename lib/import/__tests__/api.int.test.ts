import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST } from "../../../app/api/imports/route";
import { freshDatabase, type TestDatabase } from "../../../tests/support/db";
import { endPools } from "../../db/pool";
import { fixture } from "./helpers";

let db: TestDatabase;
const env = { ...process.env };
const TOKEN = "test-token-0123456789";

beforeAll(async () => {
  db = await freshDatabase("api");
  process.env.DATABASE_URL = db.url;
});

beforeEach(() => {
  process.env.ATLAS_API_TOKEN = TOKEN;
  delete process.env.ATLAS_IMPORT_MAX_BYTES;
});

afterAll(async () => {
  process.env = env;
  await endPools();
  await db?.drop();
});

function request(
  fields: Record<string, string>,
  files: { name: string; content: string | Buffer }[],
  token: string | null = TOKEN,
): Request {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files)
    form.append(
      "file",
      new Blob([typeof f.content === "string" ? f.content : new Uint8Array(f.content)]),
      f.name,
    );
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return new Request("http://localhost/api/imports", { method: "POST", body: form, headers });
}

const scores = { name: "scores.jsonl", content: readFileSync(fixture("scores", "scores.jsonl")) };

describe("POST /api/imports", () => {
  it("answers 503 when ATLAS_API_TOKEN is unset, 401 without or with a wrong token", async () => {
    delete process.env.ATLAS_API_TOKEN;
    const off = await POST(request({ model: "M", benchmark: "B" }, [scores]));
    expect(off.status).toBe(503);
    expect((await off.json()).error.message).toMatch(/imports disabled/);
    process.env.ATLAS_API_TOKEN = TOKEN;
    for (const token of [null, "wrong"]) {
      const res = await POST(request({ model: "M", benchmark: "B" }, [scores], token));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: "UNAUTHORIZED", message: "missing or wrong bearer token" },
      });
    }
  });

  it("answers 400 naming the field for invalid or unknown fields", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ benchmark: "B" }, "model"],
      [{ model: "M", benchmark: "B", beta: "abc" }, "beta"],
      [{ model: "M", benchmark: "B", beta: "1.5" }, "beta"],
      [{ model: "M", benchmark: "B", format: "xlsx" }, "format"],
      [{ model: "M", benchmark: "B", language: "english" }, "language"],
      [{ model: "M", benchmark: "B", benchmrk: "x" }, "benchmrk"],
    ];
    for (const [fields, field] of cases) {
      const res = await POST(request(fields, [scores]));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      const body = await res.json();
      expect(body.error).toMatchObject({ code: "BAD_INPUT", field });
    }
    const none = await POST(request({ model: "M", benchmark: "B" }, []));
    expect(none.status).toBe(400);
    expect((await none.json()).error.field).toBe("file");
  });

  it("imports uploaded files: 201 with the run, then 200 alreadyImported for the same files", async () => {
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
    const res = await POST(request(fields, [scores, lm]));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body).toEqual({
      runId: expect.any(Number),
      predictions: 10,
      languages: ["de", "en", "yo"],
      alreadyImported: false,
    });
    const again = await POST(request(fields, [lm, scores]));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...body, alreadyImported: true });
    const run = await db.prisma.run.findUniqueOrThrow({
      where: { id: body.runId },
      include: { model: true },
    });
    expect(run.model).toMatchObject({ sftDataset: "Alpaca", smoothing: 0.1 });
    expect((run.sourceFiles as { name: string }[]).map((f) => f.name)).toEqual([scores.name, lm.name]);
  });

  it("reports bad file content as 400 with the uploaded file's name and line; 413 over the size limit", async () => {
    const bad = {
      name: "mine.jsonl",
      content: `{"id":"a","language":"en","probs":[0.5,0.5],"label":0}\n{"id":"b","language":"en","probs":[0.5,-0.5],"label":0}\n`,
    };
    const res = await POST(request({ model: "M", benchmark: "B" }, [bad]));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({
      code: "BAD_INPUT",
      file: "mine.jsonl",
      line: 2,
      field: "probs",
    });
    process.env.ATLAS_IMPORT_MAX_BYTES = "64";
    const big = await POST(request({ model: "M", benchmark: "B" }, [scores]));
    expect(big.status).toBe(413);
    expect((await big.json()).error).toMatchObject({ code: "TOO_LARGE", file: "scores.jsonl" });
  });
});
