/**
 * The import's direct path (direct-path.ts): predictions over stored questions COPY'd straight into "Prediction".
 * Every test here forces it on small files (ATLAS_IMPORT_DIRECT_BYTES=0) and compares with the staging path. All of
 * them run twice: given a client (the producer's reads wait for pauses between the import's COPYs), and given the
 * database URL (they go to a side connection while the COPY runs).
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { freshDatabase, type TestDatabase } from "../../support/db";
import { importFiles, type ImportOptions } from "../../../lib/import/import-files";
import { snapshot } from "../../support/db-snapshot";
import { failure, tempFile } from "../../support/import-helpers";
import { loadStoredQuestions } from "../../../lib/import/write/stored-questions";
import { SIDE_APPLICATION_NAME } from "../../../lib/import/write/db";
import { poolFor } from "../../../lib/db/pool";

let db: TestDatabase;
let client: pg.Client;
/** Imports get the URL (side connection) rather than the client. */
let viaUrl = false;

/** Imports with the direct path allowed from any size (direct: true) or never (false). */
function imp(o: Omit<ImportOptions, "db">, direct = true) {
  vi.stubEnv("ATLAS_IMPORT_DIRECT_BYTES", direct ? "0" : String(Number.MAX_SAFE_INTEGER));
  return importFiles({ db: viaUrl ? db.url : client, ...o });
}


type Row = { id: string; language: string; probs?: number[]; logprobs?: number[]; label: number };
const jsonl = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

// Ids that need COPY escaping (tab, backslash, newline) and non-ASCII ones, in two languages.
const IDS = ["q1", "tab\there", "back\\slash", "new\nline", "ክፍል-7", "問題 8"];
function rows(seed: number, langs = ["en", "am"]): Row[] {
  return langs.flatMap((language, l) =>
    IDS.map((id, i) => {
      const a = ((seed * 31 + i * 7 + l * 3) % 17) / 17 + 0.05;
      const probs = [a, 1 - a].map((x) => x / 1); // two options, exact doubles
      return { id, language, probs: [probs[0] / (probs[0] + probs[1]), probs[1] / (probs[0] + probs[1])], label: (i + l) % 2 };
    }),
  );
}

async function predictions(runId: number) {
  const r = await client.query(
    `SELECT q."languageCode" AS lang, q."externalId" AS ext, p.probs, p."logLikelihoods" AS ll, p.predicted, p.confidence, p.correct
       FROM "Prediction" p JOIN "Question" q ON q.id = p."questionId" WHERE p."runId" = $1 ORDER BY 1, 2`,
    [runId],
  );
  return r.rows;
}

describe.each([
  { mode: "given a client", url: false },
  { mode: "given the URL", url: true },
])("direct import path, $mode", ({ url }) => {
  // Side connections opened during each test (pg.Client#connect with the side connection's application name).
  let sides = 0;
  beforeAll(async () => {
    viaUrl = url;
    db = await freshDatabase(url ? "direct_url" : "direct");
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const connect = pg.Client.prototype.connect;
    vi.spyOn(pg.Client.prototype, "connect").mockImplementation(function (this: pg.Client, ...a: unknown[]) {
      if ((this as unknown as { connectionParameters: { application_name?: string } }).connectionParameters.application_name === SIDE_APPLICATION_NAME) sides++;
      return (connect as unknown as (...x: unknown[]) => Promise<void>).apply(this, a);
    } as unknown as typeof connect);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await client?.end();
    await db?.drop();
  });
  beforeEach(() => {
    sides = 0;
  });
  afterEach(() => {
    // Never for a client (its settings are not the importer's to copy); tests below check it is used given the URL.
    if (!url) expect(sides).toBe(0);
  });

  beforeAll(async () => {
    await imp({ files: [tempFile("base.jsonl", jsonl(rows(1)))], model: "Base", benchmark: "D", options: 4 }, false);
  });

  it("stores exactly what the staging path stores, questions untouched, run completed with stats", async () => {
    const file = jsonl(rows(2));
    const direct = await imp({ files: [tempFile("m.jsonl", file)], model: "Direct", benchmark: "D" });
    expect(sides).toBe(url ? 1 : 0); // one side connection per import given the URL, for its stored questions
    const staged = await imp({ files: [tempFile("m.jsonl", file)], model: "Staged", benchmark: "D" }, false);
    expect(direct).toMatchObject({ writePath: "direct", predictions: 12, questionsCreated: 0, languages: ["am", "en"], newLanguages: [] });
    expect(staged).toMatchObject({ writePath: "staging", predictions: 12, questionsCreated: 0 });
    expect(await predictions(direct.runId)).toEqual(await predictions(staged.runId));
    expect((await predictions(direct.runId)).map((r) => r.ext)).toEqual(expect.arrayContaining(IDS));
    const runs = await client.query(
      `SELECT id, status, "scoringMethod", "topLabelOnly", "progressTotal", "progressDone", "finishedAt" IS NOT NULL AS finished
         FROM "Run" WHERE id = ANY($1) ORDER BY id`,
      [[direct.runId, staged.runId]],
    );
    const [d, s] = runs.rows.map(({ id: _id, ...rest }) => rest);
    expect(d).toEqual(s);
    expect(d).toMatchObject({ status: "completed", progressTotal: 12, progressDone: 12, finished: true });
    const stats = async (runId: number) =>
      (await client.query(`SELECT "languageCode", binning, n, accuracy, ece FROM "RunLanguageStats" WHERE "runId" = $1 ORDER BY 1, 2`, [runId])).rows;
    expect(await stats(direct.runId)).toEqual(await stats(staged.runId));
    expect((await stats(direct.runId)).length).toBe(4);
  });

  it("writes over the stored questions of two languages without a Language statement (one COPY given the URL)", async () => {
    const texts: string[] = [];
    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, q: unknown, ...rest: unknown[]) {
      const text = typeof q === "string" ? q : (q as { text?: string } | null)?.text;
      if (typeof text === "string") texts.push(text);
      return (query as (...x: unknown[]) => unknown).call(this, q, ...rest);
    } as unknown as typeof query);
    try {
      // One file per language: the second language first appears in an item of its own, after the first COPY began.
      const all = rows(9);
      const files = ["en", "am"].map((l) => tempFile(`only-${l}.jsonl`, jsonl(all.filter((r) => r.language === l))));
      const r = await imp({ files, model: "No-pauses", benchmark: "D" });
      expect(r).toMatchObject({ writePath: "direct", predictions: 12, questionsCreated: 0, newLanguages: [] });
    } finally {
      spy.mockRestore();
    }
    // Their stored questions keep the languages' rows: nothing to ensure or lock, and no pause of the COPY for it.
    expect(texts.filter((t) => /"Language"/.test(t))).toEqual([]);
    // Given the URL, the second language's questions are read on the side connection while the one COPY runs (given a
    // client they are read on it, between two COPYs or before the first, as the producer's pace has it).
    if (url) expect(texts.filter((t) => t.startsWith(`COPY "Prediction"`))).toHaveLength(1);
  });

  it("handles languages that come and go across files, and raw log-probabilities", async () => {
    const all = rows(3);
    const en = all.filter((r) => r.language === "en");
    const am = all.filter((r) => r.language === "am");
    const asLogprobs = (r: Row): Row => ({ id: r.id, language: r.language, logprobs: r.probs!.map(Math.log), label: r.label });
    const files = [
      tempFile("a.jsonl", jsonl([...en.slice(0, 2), ...am.slice(0, 3), ...en.slice(2, 4)].map(asLogprobs))),
      tempFile("b.jsonl", jsonl([...am.slice(3), ...en.slice(4)].map(asLogprobs))),
    ];
    const direct = await imp({ files, model: "Interleaved", benchmark: "D" });
    const staged = await imp({ files, model: "Interleaved-staged", benchmark: "D" }, false);
    expect(direct.writePath).toBe("direct");
    const got = await predictions(direct.runId);
    expect(got).toEqual(await predictions(staged.runId));
    expect(got).toHaveLength(12);
    expect(got.every((r) => Array.isArray(r.ll) && r.ll.length === 2)).toBe(true);
  });

  it("creates new questions, languages and benchmarks itself, storing what the staging path stores", async () => {
    const withNew = [...rows(4), { id: "brand-new", language: "en", probs: [0.3, 0.7], label: 1 }];
    const r1 = await imp({ files: [tempFile("n.jsonl", jsonl(withNew))], model: "NewQ", benchmark: "D" });
    expect(r1).toMatchObject({ writePath: "direct", predictions: 13, questionsCreated: 1 });
    const r2 = await imp({ files: [tempFile("l.jsonl", jsonl([...rows(5), ...rows(5, ["sw"])]))], model: "NewL", benchmark: "D" });
    expect(r2).toMatchObject({ writePath: "direct", predictions: 18, questionsCreated: 6, languages: ["am", "en", "sw"] });

    // A benchmark of its own on each path (option count unknown: the largest seen), a language new to the database,
    // and question texts, subjects and option texts that need COPY escaping.
    const rich = [...rows(6), ...rows(6, ["xq"])].map((r, i) => ({
      ...r,
      subject: i % 3 === 0 ? null : `sub\\ject ${i % 2}`,
      question: i % 2 ? `Q\t${i}\n“quoted”` : undefined,
      options: i % 4 === 0 ? [`a\\${i}`, "b\tc"] : undefined,
    }));
    const file = tempFile("rich.jsonl", rich.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const direct = await imp({ files: [file], model: "Rich", benchmark: "New-direct" });
    const staged = await imp({ files: [file], model: "Rich-staged", benchmark: "New-staged" }, false);
    expect(direct).toMatchObject({ writePath: "direct", questionsCreated: 18, newLanguages: ["xq"] });
    expect(staged).toMatchObject({ writePath: "staging", questionsCreated: 18, newLanguages: [] });
    const questions = async (benchmark: string) =>
      (
        await client.query(
          `SELECT q."languageCode", q."externalId", q.subject, q.text, q.options, q."optionCount", q.gold, b."optionCount" AS "benchmarkOptions"
             FROM "Question" q JOIN "Benchmark" b ON b.id = q."benchmarkId" WHERE b.name = $1 ORDER BY 1, 2`,
          [benchmark],
        )
      ).rows;
    const dq = await questions("New-direct");
    expect(dq).toEqual(await questions("New-staged"));
    expect(dq).toHaveLength(18);
    expect(dq.every((q) => q.benchmarkOptions === 2)).toBe(true);
    expect(dq.some((q) => q.text?.includes("\t") && q.options.length === 0)).toBe(true);
    expect(await predictions(direct.runId)).toEqual(await predictions(staged.runId));
    // The sequence moved past the ids the direct path assigned: the next question Postgres numbers is new.
    const seq = await client.query(`SELECT last_value::int AS v FROM "Question_id_seq"`);
    const max = await client.query(`SELECT max(id)::int AS v FROM "Question"`);
    expect(seq.rows[0].v).toBeGreaterThanOrEqual(max.rows[0].v);
  });

  it("assigns ids across several reserved blocks, in and out of the stored order, with and without the FK triggers", async () => {
    // 5,000 new questions per import (more than the first id blocks of 2,048 and 4,096), three languages, then the
    // same questions again for other models: in the stored order (matched by the cursor), and shuffled (the Map).
    const many = (lang: string, n: number) =>
      Array.from({ length: n }, (_, i) => {
        const a = ((i * 37) % 101) / 101 + 0.004;
        return { id: `m${i}`, language: lang, probs: [a / (a + 0.5), 0.5 / (a + 0.5)], label: i % 2 };
      });
    const fresh = [...many("en", 2500), ...many("de", 1500), ...many("en", 2600).slice(2500), ...many("fr", 900)];
    const shuffled = fresh.map((r, i) => ({ r, k: (i * 7919) % fresh.length })).sort((x, y) => x.k - y.k).map((x) => x.r);
    expect(new Set(shuffled)).toEqual(new Set(fresh));
    for (const triggers of ["0", "1"]) {
      vi.stubEnv("ATLAS_IMPORT_FK_TRIGGERS", triggers);
      const file = tempFile(`many-${triggers}.jsonl`, jsonl(fresh));
      const benchmark = `Many-${triggers}`;
      sides = 0;
      const direct = await imp({ files: [file], model: "Many", benchmark });
      expect(sides).toBe(url ? 1 : 0); // its id blocks reserved there too
      const staged = await imp({ files: [file], model: "Many", benchmark: `${benchmark}-staged` }, false);
      expect(direct).toMatchObject({ writePath: "direct", questionsCreated: fresh.length, predictions: fresh.length });
      expect(await predictions(direct.runId)).toEqual(await predictions(staged.runId));
      const inOrder = await imp({ files: [tempFile(`again-${triggers}.jsonl`, jsonl(fresh.map((r) => ({ ...r, probs: [r.probs[1], r.probs[0]] }))))], model: "Many-2", benchmark });
      const outOfOrder = await imp({ files: [tempFile(`shuffled-${triggers}.jsonl`, jsonl(shuffled))], model: "Many-3", benchmark });
      expect(inOrder).toMatchObject({ writePath: "direct", questionsCreated: 0 });
      expect(outOfOrder).toMatchObject({ writePath: "direct", questionsCreated: 0 });
      const byQuestion = async (runId: number) =>
        (await predictions(runId)).map(({ lang, ext, probs }) => ({ lang, ext, probs }));
      const swapped = (await byQuestion(direct.runId)).map((r) => ({ ...r, probs: [r.probs[1], r.probs[0]] }));
      expect(await byQuestion(inOrder.runId)).toEqual(swapped);
      expect(await byQuestion(outOfOrder.runId)).toEqual(await byQuestion(direct.runId));
    }
    vi.stubEnv("ATLAS_IMPORT_FK_TRIGGERS", "0");
  });

  it("rejects an id repeated among the questions it creates, naming both places", async () => {
    const before = await snapshot(client);
    const fresh = rows(7, ["yq"]);
    const e = await failure(imp({ files: [tempFile("a.jsonl", jsonl(fresh)), tempFile("b.jsonl", jsonl([fresh[4]]))], model: "Dup-new", benchmark: "D" }));
    expect(e.message).toMatch(/duplicate id "ክፍል-7" for language yq \(first at a\.jsonl:5\)/);
    expect(e.where).toMatchObject({ file: "b.jsonl", line: 1, field: "id" });
    expect(await snapshot(client)).toEqual(before);
  });

  it("hands over to the staging path when its role may not reserve question ids", async () => {
    // A role that may write the tables and draw ids one by one (USAGE) but not set the sequence (no UPDATE).
    await client.query(`DO $$ BEGIN CREATE ROLE atlas_direct_test NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO atlas_direct_test`);
    await client.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO atlas_direct_test`);
    await client.query(`GRANT TEMPORARY ON DATABASE "${db.name}" TO atlas_direct_test`);
    const limited = new pg.Client({ connectionString: db.url });
    await limited.connect();
    try {
      await limited.query("SET ROLE atlas_direct_test");
      process.env.ATLAS_IMPORT_DIRECT_BYTES = "0";
      const r = await importFiles({ db: limited, files: [tempFile("role.jsonl", jsonl(rows(8, ["zq"])))], model: "Limited", benchmark: "D" });
      expect(r).toMatchObject({ writePath: "staging", predictions: 6, questionsCreated: 6 });
    } finally {
      await limited.end();
    }
    // Nothing of the abandoned direct attempt is left: one run, each prediction once.
    const n = await client.query(`SELECT count(*)::int AS n FROM "Run" r JOIN "Model" m ON m.id = r."modelId" WHERE m.name = 'Limited'`);
    expect(n.rows[0].n).toBe(1);
  });

  it.runIf(url)("goes on without its side connection when that cannot be opened (the role's connection limit)", async () => {
    await client.query(`DO $$ BEGIN CREATE ROLE atlas_one_connection LOGIN PASSWORD 'one' CONNECTION LIMIT 1; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO atlas_one_connection`);
    await client.query(`GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public TO atlas_one_connection`);
    const one = new URL(db.url);
    one.username = "atlas_one_connection";
    one.password = "one";
    sides = 0;
    // The limit holds: a second connection of the role is refused.
    const first = new pg.Client({ connectionString: one.toString() });
    await first.connect();
    const second = new pg.Client({ connectionString: one.toString() });
    second.on("error", () => undefined);
    await expect(second.connect()).rejects.toThrow(/too many connections/);
    await first.end();
    vi.stubEnv("ATLAS_IMPORT_DIRECT_BYTES", "0");
    const file = tempFile("one.jsonl", jsonl(rows(12, ["en", "uq"])));
    try {
      const r = await importFiles({ db: one.toString(), files: [file], model: "One-connection", benchmark: "D" });
      expect(sides).toBe(1); // tried, and refused: the pool holds the one connection
      expect(r).toMatchObject({ writePath: "direct", predictions: 12, questionsCreated: 6, newLanguages: ["uq"] });
      const staged = await imp({ files: [file], model: "One-connection-staged", benchmark: "D" }, false);
      expect(await predictions(r.runId)).toEqual(await predictions(staged.runId));
    } finally {
      await poolFor(one.toString()).end();
    }
  });

  it("rejects clashes and duplicate ids with file:line, leaving every table as it was", async () => {
    const good = rows(6);
    const cases: { name: string; content: Row[]; msg: RegExp; line: number; field?: string }[] = [
      { name: "gold.jsonl", content: [...good.slice(0, 3), { ...good[3], label: 1 - good[3].label }], msg: /question "new\nline" \(en\) has label \d, but the stored question's gold is \d/, line: 4 },
      { name: "count.jsonl", content: [good[0], { ...good[1], probs: [0.2, 0.3, 0.5] }], msg: /3 options, but the stored question has 2/, line: 2 },
      { name: "dup.jsonl", content: [...good, good[7]], msg: /duplicate id "tab\there" for language am \(first at dup\.jsonl:8\)/, line: 13, field: "id" },
    ];
    for (const c of cases) {
      const before = await snapshot(client);
      const e = await failure(imp({ files: [tempFile(c.name, jsonl(c.content))], model: `Bad-${c.name}`, benchmark: "D" }));
      expect(e.message, c.name).toMatch(c.msg);
      expect(e.where).toMatchObject({ file: c.name, line: c.line, ...(c.field ? { field: c.field } : {}) });
      expect(await snapshot(client)).toEqual(before);
    }
  });

  it("a parse error after rows were written leaves every table as it was", async () => {
    const before = await snapshot(client);
    const text = jsonl(rows(7)) + `{"id":"q1","language":"en","probs":[0.5,0.6],"label":0}\n`;
    const e = await failure(imp({ files: [tempFile("late.jsonl", text)], model: "Late", benchmark: "D" }));
    expect(e.where).toMatchObject({ file: "late.jsonl", line: 13 });
    expect(await snapshot(client)).toEqual(before);
  });

  it("loads a language's stored questions exactly, and hands the connection back before returning", async () => {
    const b = (await client.query(`SELECT id FROM "Benchmark" WHERE name = 'D'`)).rows[0].id;
    const q = await loadStoredQuestions(client, b, "am");
    // pg's own flag: no query is running on the client any more (the next one will not be queued behind the COPY).
    expect((client as unknown as { readyForQuery: boolean }).readyForQuery).toBe(true);
    const stored = (await client.query(`SELECT "externalId" AS ext, id, "optionCount" AS n, gold FROM "Question" WHERE "benchmarkId" = $1 AND "languageCode" = 'am'`, [b])).rows;
    expect(q.size).toBe(stored.length);
    expect(q.stored).toBe(stored.length);
    // In id order, so that rows in the order the questions were stored are matched without the Map.
    const ids = Array.from(q.ids.subarray(0, q.size));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    for (const r of stored) {
      const k = q.find(r.ext);
      expect([q.externalId(k), q.ids[k], q.optionCounts[k], q.golds[k]]).toEqual([r.ext, r.id, r.n, r.gold ?? -1]);
    }
    expect(q.externalIds).toEqual(expect.arrayContaining(IDS));
    expect(q.find("no-such-id")).toBe(-1);
  });

  it("loads stored external ids of every UTF-8 width (astral characters are two UTF-16 code units)", async () => {
    const ids = ["😀", "a😀b", "é-ü", "plain", "𝔘𝔫𝔦", "問題", "mixed é 😀 ክ"];
    const b = (await client.query(`INSERT INTO "Benchmark" (name, "optionCount") VALUES ($1, 4) RETURNING id`, [`Widths ${url}`])).rows[0].id;
    for (const [i, ext] of ids.entries())
      await client.query(`INSERT INTO "Question" ("benchmarkId", "languageCode", "externalId", options, "optionCount", gold) VALUES ($1, 'am', $2, '[]', 4, $3)`, [b, ext, i % 4]);
    const q = await loadStoredQuestions(client, b, "am");
    expect(q.externalIds).toEqual(ids);
    expect(ids.map((ext) => q.find(ext))).toEqual(ids.map((_, i) => i)); // in stored order: the cursor
    expect(["問題", "😀", "a😀b"].map((ext) => q.find(ext))).toEqual([5, 0, 1]); // out of it: the Map
    expect(q.find("a😀")).toBe(-1);
    expect(Array.from(q.golds.subarray(0, q.size))).toEqual(ids.map((_, i) => i % 4));
  });

  it("works inside the caller's transaction (a savepoint, no staging table to drop)", async () => {
    await client.query("BEGIN");
    try {
      // The client itself, in both modes: the caller's transaction is on it (no side connection then).
      vi.stubEnv("ATLAS_IMPORT_DIRECT_BYTES", "0");
      const r = await importFiles({ db: client, files: [tempFile("nested.jsonl", jsonl(rows(9)))], model: "Nested", benchmark: "D" });
      expect(r).toMatchObject({ writePath: "direct", predictions: 12 });
      expect((await client.query(`SELECT count(*)::int AS n FROM "Prediction" WHERE "runId" = $1`, [r.runId])).rows[0].n).toBe(12);
    } finally {
      await client.query("ROLLBACK");
    }
    expect((await client.query(`SELECT count(*)::int AS n FROM "Model" WHERE name = 'Nested'`)).rows[0].n).toBe(0);
  });

  it("re-importing the same file is still a no-op", async () => {
    const file = tempFile("again.jsonl", jsonl(rows(8)));
    const first = await imp({ files: [file], model: "Again", benchmark: "D" });
    const second = await imp({ files: [file], model: "Again", benchmark: "D" });
    expect(first.writePath).toBe("direct");
    expect(second).toMatchObject({ alreadyImported: true, runId: first.runId, writePath: "none", predictions: 12 });
  });
});
