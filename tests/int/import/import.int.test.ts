import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freshDatabase, type TestDatabase } from "../../support/db";
import { importFiles, type ImportOptions } from "../../../lib/import/import-files";
import { importKey } from "../../../lib/import/provenance";
import { snapshot } from "../../support/db-snapshot";
import { failure, fixture, tempFile } from "../../support/import-helpers";

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await freshDatabase("import");
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const imp = (o: Omit<ImportOptions, "db">) => importFiles({ db: client, ...o });


async function one<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T> {
  return (await client.query<T>(sql, params)).rows[0];
}

describe("importFiles: formats", () => {
  it("imports lm-eval GlobalMMLU samples with provenance, raw log-likelihoods and questions", async () => {
    const file = fixture(
      "lm-eval",
      "samples_global_mmlu_full_de_abstract_algebra_2024-11-30T10-15-42.381204.jsonl",
    );
    const r = await imp({ files: [file], model: "Llama-3.1-8B", benchmark: "GlobalMMLU" });
    expect(r).toMatchObject({
      alreadyImported: false,
      predictions: 4,
      questionsCreated: 4,
      languages: ["de"],
      topLabelOnly: false,
    });
    const run = await one<{
      provenance: string;
      sourceFiles: { name: string; sha256: string; bytes: number; format: string }[];
      importerVersion: string;
      importKey: string;
      status: string;
      scoringMethod: string;
      progressDone: number;
    }>(
      `SELECT provenance, "sourceFiles", "importerVersion", "importKey", status, "scoringMethod", "progressDone" FROM "Run" WHERE id = $1`,
      [r.runId],
    );
    expect(run).toMatchObject({
      provenance: "imported",
      status: "completed",
      scoringMethod: "loglikelihood",
      progressDone: 4,
      importerVersion: "atlas-import/1",
    });
    expect(run.importKey).toMatch(/^[0-9a-f]{64}$/);
    expect(run.sourceFiles).toEqual([
      {
        name: path.basename(file),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        bytes: readFileSync(file).length,
        format: "lm-eval",
      },
    ]);
    const q = await one<{
      options: string[];
      gold: number;
      subject: string;
      optionCount: number;
      text: string;
    }>(
      `SELECT options, gold, subject, "optionCount", text FROM "Question" WHERE "externalId" = 'abstract_algebra/test/0'`,
    );
    expect(q).toMatchObject({
      options: ["0", "4", "2", "6"],
      gold: 1,
      subject: "abstract_algebra",
      optionCount: 4,
    });
    const p = await one<{ logLikelihoods: number[]; probs: number[]; predicted: number; correct: boolean }>(
      `SELECT p."logLikelihoods", p.probs, p.predicted, p.correct FROM "Prediction" p JOIN "Question" q ON q.id = p."questionId"
        WHERE p."runId" = $1 AND q."externalId" = 'abstract_algebra/test/0'`,
      [r.runId],
    );
    expect(p.logLikelihoods).toEqual([-2.91, -0.53, -1.87, -2.4]);
    expect(p).toMatchObject({ predicted: 1, correct: true });
    const m = await one<{ family: string; baseModelId: number | null }>(
      `SELECT family, "baseModelId" FROM "Model" WHERE name = 'Llama-3.1-8B'`,
    );
    expect(m).toEqual({ family: "Llama-3.1-8B", baseModelId: null });
  });

  it("imports MMLU-ProX samples into a benchmark created with its known option count", async () => {
    const r = await imp({
      files: [fixture("lm-eval", "samples_mmlu_prox_sw_biology_2025-02-03T08-30-11.004521.jsonl")],
      model: "Llama-3.1-8B",
      benchmark: "MMLU-ProX",
      normalize: "per-char",
    });
    expect(r).toMatchObject({ predictions: 3, languages: ["sw"], scoringMethod: "loglikelihood/per-char" });
    expect(await one(`SELECT "optionCount" FROM "Benchmark" WHERE name = 'MMLU-ProX'`)).toEqual({
      optionCount: 10,
    });
  });

  it("imports a directory of score files (JSONL and CSV, probs/logits/logprobs) as one run over many languages", async () => {
    const r = await imp({ files: [fixture("scores")], model: "Gemma2-2B", benchmark: "Toy-MC" });
    expect(r.predictions).toBe(6 + 3 + 2 + 4 + 3);
    expect(r.languages).toEqual(["en", "fr", "hi", "ja", "yo"]);
    expect(r.files.map((f) => [f.name, f.format])).toEqual([
      ["scores/array.csv", "scores-csv"],
      ["scores/logits.jsonl", "scores-jsonl"],
      ["scores/logprobs.jsonl", "scores-jsonl"],
      ["scores/per-option.csv", "scores-csv"],
      ["scores/scores.jsonl", "scores-jsonl"],
    ]);
    expect(r.scoringMethod).toBe("logits+logprobs+probs");
    // No known count: the largest option count seen.
    expect(await one(`SELECT "optionCount" FROM "Benchmark" WHERE name = 'Toy-MC'`)).toEqual({
      optionCount: 5,
    });
    const arc3 = await one(`SELECT "optionCount", gold FROM "Question" WHERE "externalId" = 'arc-3'`);
    expect(arc3).toEqual({ optionCount: 3, gold: 0 });
  });

  it("imports a Plaut et al. file as a top-label-only run with unknown gold", async () => {
    const r = await imp({
      files: [fixture("plaut", "arc__tiny__base.txt")],
      model: "Tiny",
      benchmark: "ARC-Challenge",
    });
    expect(r).toMatchObject({
      predictions: 5,
      topLabelOnly: true,
      languages: ["en"],
      scoringMethod: "vocab-softmax-renormalised",
    });
    expect(await one(`SELECT "topLabelOnly" FROM "Run" WHERE id = $1`, [r.runId])).toEqual({
      topLabelOnly: true,
    });
    expect(
      await one(
        `SELECT count(*)::int AS n FROM "Question" q JOIN "Benchmark" b ON b.id = q."benchmarkId" WHERE b.name = 'ARC-Challenge' AND gold IS NULL`,
      ),
    ).toEqual({ n: 5 });
    const p = await one<{ probs: number[]; confidence: number; predicted: number; correct: boolean }>(
      `SELECT probs, confidence, predicted, correct FROM "Prediction" p JOIN "Question" q ON q.id = p."questionId" WHERE p."runId" = $1 AND q."externalId" = '3'`,
      [r.runId],
    );
    expect(p.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p).toMatchObject({ predicted: 0, correct: false });
    expect(p.confidence).toBeCloseTo(0.5 / 0.9375, 12);
  });
});

describe("importFiles: idempotency and runs", () => {
  it("re-importing the same file is a no-op that names the existing run", async () => {
    const file = fixture("scores", "scores.jsonl");
    const first = await imp({ files: [file], model: "Repeat", benchmark: "Toy-MC" });
    const before = await snapshot(client);
    // Same bytes under another name and path: still the same import.
    const copy = tempFile("renamed.jsonl", readFileSync(file));
    const again = await imp({ files: [copy], model: "Repeat", benchmark: "Toy-MC" });
    expect(again).toMatchObject({
      alreadyImported: true,
      runId: first.runId,
      predictions: 6,
      languages: ["en", "yo"],
    });
    expect(await snapshot(client)).toEqual(before);
  });

  it("hashes new files while reading them, and files that may repeat an import before reading them", async () => {
    const text = `{"id":"h1","language":"en","probs":[0.9,0.1],"label":0}\n{"id":"h2","language":"de","probs":[0.3,0.7],"label":1}\n`;
    const sha256 = createHash("sha256").update(text).digest("hex");
    const phases = (into: string[]) => (p: { phase: string }) => void (into.at(-1) !== p.phase && into.push(p.phase));
    const first: string[] = [];
    const a = await imp({ files: [tempFile("h.jsonl", text)], model: "Hashed", benchmark: "Pairs", onProgress: phases(first) });
    expect(first[0]).toBe("reading"); // no run of model Hashed: nothing to look up before reading
    const run = await one<{ importKey: string; sourceFiles: { sha256: string; bytes: number }[] }>(
      `SELECT "importKey", "sourceFiles" FROM "Run" WHERE id = $1`,
      [a.runId],
    );
    expect(run.sourceFiles).toEqual([expect.objectContaining({ sha256, bytes: Buffer.byteLength(text) })]);
    expect(run.importKey).toBe(
      importKey({ model: "Hashed", benchmark: "Pairs", files: run.sourceFiles as never, normalize: "none", renormalize: false }),
    );
    // The same bytes again: hashed first, answered from the key, not read.
    const again: string[] = [];
    const b = await imp({ files: [tempFile("h2.jsonl", text)], model: "Hashed", benchmark: "Pairs", onProgress: phases(again) });
    expect(b).toMatchObject({ alreadyImported: true, runId: a.runId });
    expect(again).toEqual(["hashing"]);
    // Other bytes of the same size: hashed first too (they might have been the same), then imported.
    const other: string[] = [];
    const c = await imp({ files: [tempFile("h3.jsonl", text.replace("0.9,0.1", "0.8,0.2"))], model: "Hashed", benchmark: "Pairs", onProgress: phases(other) });
    expect(c.alreadyImported).toBe(false);
    expect(other.slice(0, 2)).toEqual(["hashing", "reading"]);
  });

  it.each(["staging", "direct"])("two imports of the same new file at once (%s path): one run, and the other answers it", async (path) => {
    vi.stubEnv("ATLAS_IMPORT_DIRECT_BYTES", path === "direct" ? "0" : String(1 << 30));
    const model = `Racer-${path}`;
    const text = Array.from({ length: 200 }, (_, i) => `{"id":"r${i}","language":"en","probs":[0.6,0.4],"label":${i % 2}}`).join("\n");
    const files = [tempFile("race-a.jsonl", text), tempFile("race-b.jsonl", text)];
    // Both get past the look-up before either commits: they wait for this lock (one for the questions table, the
    // other for the first's Model row), so neither finds the other's run and each reads and hashes its file.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query(`BEGIN; LOCK TABLE "Question" IN EXCLUSIVE MODE`);
    const both = Promise.all(files.map((f) => importFiles({ db: db.url, files: [f], model, benchmark: "Race" })));
    const waiting = async () =>
      (await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n;
    for (let t = 0; (await waiting()) < 2; t++) {
      if (t > 400) throw new Error("the two imports never both waited");
      await new Promise((r) => setTimeout(r, 25));
    }
    await locker.query("COMMIT");
    await locker.end();
    const [x, y] = await both.finally(() => vi.unstubAllEnvs());
    expect(x.runId).toBe(y.runId);
    expect([x.alreadyImported, y.alreadyImported].sort()).toEqual([false, true]);
    expect([x.writePath, y.writePath].sort()).toEqual(["none", path].sort());
    expect(await one(`SELECT count(*)::int AS runs FROM "Run" r JOIN "Model" m ON m.id = r."modelId" WHERE m.name = $1`, [model])).toEqual({ runs: 1 });
    expect(await one(`SELECT count(*)::int AS n FROM "Prediction" WHERE "runId" = $1`, [x.runId])).toEqual({ n: 200 });
  });

  it("another file for the same model, benchmark and language creates a new run and reuses questions", async () => {
    const a = await imp({
      files: [tempFile("a.jsonl", `{"id":"n1","language":"en","probs":[0.9,0.1],"label":0}\n`)],
      model: "Second",
      benchmark: "Pairs",
    });
    const b = await imp({
      files: [
        tempFile(
          "b.jsonl",
          `{"id":"n1","language":"en","probs":[0.2,0.8],"label":0}\n{"id":"n2","language":"en","probs":[0.5,0.5],"label":1}\n`,
        ),
      ],
      model: "Second",
      benchmark: "Pairs",
    });
    expect(b.runId).not.toBe(a.runId);
    expect(b.questionsCreated).toBe(1);
    const probs = await client.query(
      `SELECT "runId", probs FROM "Prediction" WHERE "runId" = ANY($1) ORDER BY "runId", "questionId"`,
      [[a.runId, b.runId]],
    );
    expect(probs.rows).toEqual([
      { runId: a.runId, probs: [0.9, 0.1] },
      { runId: b.runId, probs: [0.2, 0.8] },
      { runId: b.runId, probs: [0.5, 0.5] },
    ]);
  });

  it("links SFT models to their base, derives the family, and refuses silent changes", async () => {
    const f = () =>
      tempFile("m.jsonl", `{"id":"${Math.random()}","language":"en","probs":[0.9,0.1],"label":0}\n`);
    await imp({
      files: [f()],
      model: "Mistral-7B-Alpaca-b0.1",
      base: "Mistral-7B",
      sft: "Alpaca",
      beta: 0.1,
      benchmark: "Pairs",
    });
    const m = await one(
      `SELECT m.family, m."sftDataset", m.smoothing, b.name AS base FROM "Model" m JOIN "Model" b ON b.id = m."baseModelId" WHERE m.name = 'Mistral-7B-Alpaca-b0.1'`,
    );
    expect(m).toEqual({ family: "Mistral-7B", sftDataset: "Alpaca", smoothing: 0.1, base: "Mistral-7B" });
    // Omitted flags mean "as stored".
    await imp({ files: [f()], model: "Mistral-7B-Alpaca-b0.1", benchmark: "Pairs" });
    const before = await snapshot(client);
    for (const change of [{ beta: 0.2 }, { sft: "Tulu3Mixture" }, { base: "Llama-3.1-8B" }]) {
      const e = await failure(
        imp({ files: [f()], model: "Mistral-7B-Alpaca-b0.1", benchmark: "Pairs", ...change }),
      );
      expect(e.code).toBe("CONFLICT");
      expect(e.where.field).toBe("model");
    }
    expect(await snapshot(client)).toEqual(before);
  });

  it("adds an unknown but well-formed language code as unclassified", async () => {
    const r = await imp({
      files: [tempFile("x.jsonl", `{"id":"1","language":"qu","probs":[0.6,0.4],"label":1}\n`)],
      model: "Lang",
      benchmark: "Pairs",
    });
    expect(r.newLanguages).toEqual(["qu"]);
    expect(await one(`SELECT name, script, "resourceClass" FROM "Language" WHERE code = 'qu'`)).toEqual({
      name: "qu",
      script: "Unknown",
      resourceClass: -1,
    });
  });
});

describe("importFiles: bad input is rejected with file:line and nothing changes", () => {
  const ok = `{"id":"ok1","language":"en","probs":[0.5,0.5],"label":0}\n`;
  const cases: {
    name: string;
    file: string;
    content: string;
    code?: string;
    line?: number;
    field?: string;
    msg: RegExp;
    opts?: Partial<ImportOptions>;
  }[] = [
    {
      name: "malformed JSON",
      file: "m.jsonl",
      content: ok + `{"id":"x","language":"en","probs":[0.5,0.5],"label":0\n`,
      line: 2,
      msg: /malformed JSON/,
    },
    {
      name: "NaN",
      file: "n.jsonl",
      content: ok + `{"id":"x","language":"en","probs":[NaN,0.5],"label":0}\n`,
      line: 2,
      msg: /NaN/,
    },
    {
      name: "infinity as a string",
      file: "i.jsonl",
      content: `{"id":"y","language":"en","logits":[1,0],"label":0}\n{"id":"x","language":"en","logits":["inf","0"],"label":0}\n`,
      line: 2,
      field: "logits",
      msg: /finite/,
    },
    {
      name: "negative probability",
      file: "neg.csv",
      content: `id,language,label,p_0,p_1\na,en,0,0.5,0.5\nb,en,0,1.5,-0.5\n`,
      line: 3,
      field: "probs",
      msg: /negative probability/,
    },
    {
      name: "probabilities not summing to 1",
      file: "s.jsonl",
      content: ok + `{"id":"x","language":"en","probs":[0.5,0.4],"label":0}\n`,
      line: 2,
      field: "probs",
      msg: /sum to 0\.9/,
    },
    {
      name: "label out of range",
      file: "l.csv",
      content: `id,language,label,probs\na,en,2,"[0.5,0.5]"\n`,
      line: 2,
      field: "label",
      msg: /out of range/,
    },
    {
      name: "row option count vs its own option texts",
      file: "o.jsonl",
      content: ok + `{"id":"x","language":"en","probs":[0.5,0.5],"options":["a","b","c"],"label":0}\n`,
      line: 2,
      field: "options",
      msg: /3 option texts but 2 scores/,
    },
    {
      name: "more options than the benchmark",
      file: "k.jsonl",
      content: ok + `{"id":"x","language":"en","probs":[0.2,0.2,0.2,0.2,0.2],"label":0}\n`,
      line: 2,
      msg: /5 options, more than benchmark "GlobalMMLU" has \(4\)/,
      opts: { benchmark: "GlobalMMLU" },
    },
    {
      name: "CSV row width",
      file: "w.csv",
      content: `id,language,label,p_0,p_1\na,en,0,0.5\n`,
      line: 2,
      msg: /4 fields but the header has 5/,
    },
    {
      name: "unterminated CSV quote",
      file: "q.csv",
      content: `id,language,label,p_0,p_1\n"a,en,0,0.5,0.5\n`,
      line: 2,
      msg: /unterminated/,
    },
    {
      name: "malformed language code",
      file: "lang.jsonl",
      content: ok + `{"id":"x","language":"english","probs":[0.5,0.5],"label":0}\n`,
      line: 2,
      field: "language",
      msg: /unknown language "english"/,
    },
    {
      name: "missing label",
      file: "nl.jsonl",
      content: `{"id":"x","language":"en","probs":[0.5,0.5]}\n`,
      line: 1,
      field: "label",
      msg: /missing label/,
    },
    {
      name: "duplicate id",
      file: "d.jsonl",
      content:
        ok +
        `{"id":"x","language":"en","probs":[0.5,0.5],"label":0}\n{"id":"ok1","language":"en","probs":[0.5,0.5],"label":1}\n`,
      line: 3,
      field: "id",
      msg: /duplicate id "ok1" for language en \(first at d.jsonl:1\)/,
    },
    { name: "empty file", file: "e.jsonl", content: "", msg: /empty file/ },
    {
      name: "header-only file",
      file: "h.csv",
      content: "id,language,label,p_0,p_1\n",
      msg: /empty file: no data rows/,
    },
    {
      name: "undetectable format",
      file: "u.dat",
      content: "hello world\n",
      line: 1,
      msg: /cannot detect the format/,
    },
    {
      name: "Plaut row summing to more than 1",
      file: "p.txt",
      content: "grade confidence_levels\nCorrect 0.9,0.3\n",
      line: 2,
      msg: /sum to 1.2/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const before = await snapshot(client);
      const e = await failure(
        imp({ files: [tempFile(c.file, c.content)], model: "Bad", benchmark: "Bad-Bench", ...c.opts }),
      );
      expect(e.code).toBe(c.code ?? "BAD_INPUT");
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(c.msg);
      expect(e.where.file).toBe(c.file);
      if (c.line !== undefined) expect(e.where.line).toBe(c.line);
      if (c.field !== undefined) expect(e.where.field).toBe(c.field);
      expect(await snapshot(client)).toEqual(before);
    });
  }

  it("rejects a question stored with another option count or gold", async () => {
    await imp({
      files: [tempFile("g1.jsonl", `{"id":"g","language":"en","probs":[0.5,0.5],"label":0}\n`)],
      model: "Gold",
      benchmark: "Golds",
      options: 4,
    });
    const e1 = await failure(
      imp({
        files: [
          tempFile(
            "g2.jsonl",
            ok.replace("ok1", "o") + `{"id":"g","language":"en","probs":[0.5,0.5],"label":1}\n`,
          ),
        ],
        model: "Gold",
        benchmark: "Golds",
      }),
    );
    expect(e1.message).toMatch(/question "g" \(en\) has label 1, but the stored question's gold is 0/);
    expect(e1.where).toMatchObject({ file: "g2.jsonl", line: 2 });
    const e2 = await failure(
      imp({
        files: [tempFile("g3.jsonl", `{"id":"g","language":"en","probs":[0.4,0.3,0.3],"label":0}\n`)],
        model: "Gold",
        benchmark: "Golds",
      }),
    );
    expect(e2.message).toMatch(/3 options, but the stored question has 2/);
  });

  it("an error on the last line of the last file leaves every table exactly as it was", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "atlas-atomic-"));
    cpSync(fixture("scores"), dir, { recursive: true });
    // 2,000 good rows in a new language, then one bad row at the very end of the last file.
    const rows = Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify({ id: `z${i}`, language: "zz", probs: [0.25, 0.75], label: i % 2 }),
    );
    writeFileSync(
      path.join(dir, "zz_last.jsonl"),
      rows.join("\n") + `\n{"id":"bad","language":"zz","probs":[0.25,0.7],"label":0}\n`,
    );
    const before = await snapshot(client);
    const e = await failure(
      imp({ files: [dir], model: "Atomic", base: "Atomic-Base", benchmark: "Atomic-Bench" }),
    );
    expect(e.where).toMatchObject({
      file: path.join(path.basename(dir), "zz_last.jsonl"),
      line: 2001,
      field: "probs",
    });
    expect(await snapshot(client)).toEqual(before);
    expect(await one(`SELECT count(*)::int AS n FROM "Language" WHERE code = 'zz'`)).toEqual({ n: 0 });
  });

  it("rejects files over ATLAS_IMPORT_MAX_BYTES and lines over ATLAS_IMPORT_MAX_LINE_BYTES as TOO_LARGE", async () => {
    const env = { ...process.env };
    try {
      process.env.ATLAS_IMPORT_MAX_BYTES = "100";
      const big = tempFile("big.jsonl", ok.repeat(10));
      const e = await failure(imp({ files: [big], model: "Big", benchmark: "Pairs" }));
      expect(e).toMatchObject({ code: "TOO_LARGE", where: { file: "big.jsonl" } });
      expect(e.exitCode).toBe(2);
      delete process.env.ATLAS_IMPORT_MAX_BYTES;
      process.env.ATLAS_IMPORT_MAX_LINE_BYTES = "80";
      const long = tempFile(
        "long.jsonl",
        ok + `{"id":"${"x".repeat(200)}","language":"en","probs":[0.5,0.5],"label":0}\n`,
      );
      const e2 = await failure(imp({ files: [long], model: "Big", benchmark: "Pairs" }));
      expect(e2).toMatchObject({ code: "TOO_LARGE", where: { file: "long.jsonl", line: 2 } });
    } finally {
      process.env = env;
    }
  });

  it("validates options before reading anything", async () => {
    const f = fixture("scores", "scores.jsonl");
    expect((await failure(imp({ files: [f], model: " ", benchmark: "B" }))).where.field).toBe("model");
    expect((await failure(imp({ files: [f], model: "M", benchmark: "B", beta: 2 }))).where.field).toBe(
      "beta",
    );
    expect(
      (await failure(imp({ files: [f], model: "M", benchmark: "B", language: "en-US" }))).where.field,
    ).toBe("language");
    expect(
      (await failure(imp({ files: [f], model: "M", benchmark: "B", normalize: "per-char" }))).where.field,
    ).toBe("normalize");
    expect(
      (await failure(imp({ files: ["/nonexistent.jsonl"], model: "M", benchmark: "B" }))).message,
    ).toMatch(/not found/);
  });
});
