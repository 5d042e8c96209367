/**
 * A direct import computes its run's statistics from the predictions it kept while writing (lib/import/write/
 * run-rows.ts) instead of reading them back: the stored rows must be exactly those of a recompute that reads the
 * run from the database — the same rows in question-id order (file order differs here), new and stored questions
 * mixed, top-label runs (Plaut et al.: no gold), and the questions' stored gold where it differs from the row's (a
 * labelled row over a question stored without gold: the read-back sees no gold).
 */
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { recomputeRunStats } from "../../../lib/db/stats";
import { importFiles } from "../../../lib/import/import-files";
import { entriesById, RunRows } from "../../../lib/import/write/run-rows";
import { StoredQuestions } from "../../../lib/import/write/stored-questions";
import { freshDatabase, type TestDatabase } from "../../support/db";
import { tempFile } from "../../support/import-helpers";

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await freshDatabase("stats_in_memory");
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  vi.stubEnv("ATLAS_IMPORT_DIRECT_BYTES", "0");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await client?.end();
  await db?.drop();
});

type Row = { id: string; language: string; probs: number[]; label: number };
const jsonl = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** n questions per language, probabilities from a seeded generator. */
function rowsOf(seed: number, langs: string[], ids: number[]): Row[] {
  let s = seed;
  const r = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return langs.flatMap((language) =>
    ids.map((i) => {
      const p = [r() + 0.01, r() + 0.01, r() + 0.01, r() + 0.01];
      const t = p.reduce((a, b) => a + b, 0);
      return { id: `q${i}`, language, probs: p.map((x) => x / t), label: i % 4 };
    }),
  );
}

/** Deterministic shuffle (Fisher–Yates on a seeded generator). */
function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const statsOf = async (runId: number) =>
  (
    await client.query(
      `SELECT "languageCode", "binning", "n", "accuracy", "confidence", "entropyBits", "ece", "rms", "mce", "smece", "sce", "ace", "brier", "nll",
              "intervals", "reliability", "smoothCurve"
         FROM "RunLanguageStats" WHERE "runId" = $1 ORDER BY 1, 2`,
      [runId],
    )
  ).rows;

/** The run's statistics as the import stored them, and as a recompute that reads the run back stores them. */
async function storedAndReadBack(runId: number) {
  const stored = await statsOf(runId);
  await client.query("BEGIN");
  await recomputeRunStats(client, runId);
  await client.query("COMMIT");
  return { stored, readBack: await statsOf(runId) };
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("a direct import's statistics from the predictions it kept", { timeout: 120_000 }, () => {
  it("new questions, languages interleaved in the file: the rows a read-back recompute stores", async () => {
    // 1,500 questions per language, de and sw rows alternating
    const rows = rowsOf(1, ["de", "sw"], ids(0, 1500));
    const mixed = rows.slice(0, 1500).flatMap((r, i) => [r, rows[1500 + i]]);
    const r = await importFiles({
      db: client,
      files: [tempFile("a.jsonl", jsonl(mixed))],
      model: "InMemA",
      benchmark: "IM",
    });
    expect(r.writePath).toBe("direct");
    const { stored, readBack } = await storedAndReadBack(r.runId);
    expect(stored.map((x) => [x.languageCode, x.binning])).toEqual([
      ["de", "equal-mass"],
      ["de", "equal-width"],
      ["sw", "equal-mass"],
      ["sw", "equal-width"],
    ]);
    expect(Object.keys(stored[0].intervals)).toContain("sce");
    expect(stored).toEqual(readBack);
  });

  it("stored questions out of id order, with new questions among them", async () => {
    const rows = shuffled(
      [...rowsOf(2, ["de", "sw"], ids(0, 1500)), ...rowsOf(3, ["de", "sw"], ids(1500, 1900))],
      9,
    );
    const r = await importFiles({
      db: client,
      files: [tempFile("b.jsonl", jsonl(rows))],
      model: "InMemB",
      benchmark: "IM",
    });
    expect(r.writePath).toBe("direct");
    expect(r.questionsCreated).toBe(800);
    const { stored, readBack } = await storedAndReadBack(r.runId);
    expect(stored).toHaveLength(4);
    expect(stored[0].n).toBe(1900);
    expect(stored).toEqual(readBack);
  });

  it("stored questions the table returns out of id order (rows moved by an update)", async () => {
    // The questions of benchmark IM (tests above): rewrite a few so that their tuples move to the end of the table.
    const bench = `(SELECT id FROM "Benchmark" WHERE name = 'IM')`;
    await client.query(
      `UPDATE "Question" SET "text" = coalesce("text", '') || repeat(' ', 200)
        WHERE "benchmarkId" = ${bench} AND "languageCode" = 'de' AND "externalId" IN ('q3', 'q700', 'q1499')`,
    );
    const tableOrder = (await client.query<{ id: number }>(`SELECT id FROM "Question" WHERE "benchmarkId" = ${bench} AND "languageCode" = 'de'`)).rows.map((x) => x.id);
    expect(tableOrder).not.toEqual([...tableOrder].sort((a, b) => a - b));
    const rows = shuffled([...rowsOf(4, ["de"], ids(0, 1900)), ...rowsOf(5, ["de"], ids(1900, 2000))], 11);
    const r = await importFiles({ db: client, files: [tempFile("d.jsonl", jsonl(rows))], model: "InMemD", benchmark: "IM" });
    expect(r.writePath).toBe("direct");
    expect(r.questionsCreated).toBe(100);
    // Every prediction is on its own question, and the statistics are those read back.
    const stored = await client.query<{ ext: string; probs: number[] }>(
      `SELECT q."externalId" AS ext, p.probs FROM "Prediction" p JOIN "Question" q ON q.id = p."questionId" WHERE p."runId" = $1`,
      [r.runId],
    );
    const byId = new Map(stored.rows.map((x) => [x.ext, x.probs]));
    expect(byId.size).toBe(2000);
    for (const row of rows) expect(byId.get(row.id)).toEqual(row.probs);
    const both = await storedAndReadBack(r.runId);
    expect(both.stored[0].n).toBe(2000);
    expect(both.stored).toEqual(both.readBack);
  });

  it("a top-label run (no gold), then labelled rows over its questions stored without gold", async () => {
    const plaut = path.join(process.cwd(), "data/plaut2024/arc__Mistral__chat.txt");
    const p = await importFiles({
      db: client,
      files: [plaut],
      model: "InMemPlaut",
      benchmark: "ARC-IM",
      format: "plaut",
    });
    expect(p.writePath).toBe("direct");
    expect(p.topLabelOnly).toBe(true);
    const first = await storedAndReadBack(p.runId);
    expect(first.stored[0].sce).toBeNull();
    expect(first.stored).toEqual(first.readBack);
    // Scores with labels for 300 of those questions, in reverse order: the stored gold (none) is what a read-back sees
    const q = await client.query<{ ext: string; k: number }>(
      `SELECT q."externalId" AS ext, q."optionCount" AS k FROM "Question" q JOIN "Benchmark" b ON b.id = q."benchmarkId"
        WHERE b.name = 'ARC-IM' ORDER BY q.id LIMIT 300`,
    );
    const labelled = q.rows
      .reverse()
      .map((x, i) => ({
        id: x.ext,
        language: "en",
        probs: Array.from({ length: x.k }, (_, j) => (j === i % x.k ? 0.7 : 0.3 / (x.k - 1))),
        label: 0,
      }));
    const s = await importFiles({
      db: client,
      files: [tempFile("c.jsonl", jsonl(labelled))],
      model: "InMemLabelled",
      benchmark: "ARC-IM",
    });
    expect(s.writePath).toBe("direct");
    const second = await storedAndReadBack(s.runId);
    expect(second.stored[0].n).toBe(300);
    expect(second.stored[0].sce).toBeNull(); // no stored gold: a top-label set, as read back
    expect(second.stored).toEqual(second.readBack);
  });
});

describe("RunRows (unit)", () => {
  it("orders entries by id: stored then new merged, and sorts when either part does not ascend", () => {
    const q = new StoredQuestions();
    for (const [ext, id] of [
      ["a", 2],
      ["b", 5],
      ["c", 9],
    ] as const)
      q.add(ext, id, 4, 0);
    q.stored = 3;
    q.add("n1", 3, 4, 0);
    q.add("n2", 12, 4, 0);
    expect([...entriesById(q)]).toEqual([0, 3, 1, 2, 4]);
    q.ids[4] = 1; // a new id behind the stored ones, out of the order it was drawn in
    expect([...entriesById(q)]).toEqual([4, 0, 3, 1, 2]);
  });

  it("drops everything past its bound, so the statistics read back instead", () => {
    const q = new StoredQuestions();
    q.add("a", 1, 2, 0);
    q.add("b", 2, 2, 1);
    const rec = (externalId: string) => ({
      line: 1,
      language: "de",
      externalId,
      subject: null,
      text: null,
      options: [],
      optionCount: 2,
      gold: 0,
      probs: [0.6, 0.4],
      logLikelihoods: null,
      predicted: 0,
      confidence: 0.6,
      correct: true,
    });
    const small = new RunRows(6);
    small.add(q, 0, rec("a"));
    const kept = small.finish(1);
    expect(kept?.take("fr")).toBeNull(); // no row in that language
    const de = kept?.take("de");
    expect(Array.from(de?.gold.subarray(0, de.n) ?? [])).toEqual([0]);
    expect(kept?.take("de")).toBeNull(); // handed over once: its arrays are not held twice
    const over = new RunRows(5);
    over.add(q, 0, rec("a"));
    over.add(q, 1, rec("b"));
    expect(over.finish(1)).toBeNull();
  });
});
