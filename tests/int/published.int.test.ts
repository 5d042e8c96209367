/**
 * Published results end to end on a real Postgres: import (idempotent, all-or-nothing) and the
 * `calib report` CSV contract, which must print exactly the source CSV's values.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolFor } from "../../lib/db/pool";
import { importPublishedFile } from "../../lib/published/import";
import { calibSpawned } from "../support/calib";
import { freshDatabase, type TestDatabase } from "../support/db";

const root = path.resolve(__dirname, "../..");
const PER_LANGUAGE = path.join(root, "data/published/published-per-language.csv");
const SUMMARY = path.join(root, "data/published/published-summary.csv");
let db: TestDatabase;

async function snapshot() {
  const r = await poolFor(db.url).query(
    `SELECT count(*)::int AS n, md5(coalesce(string_agg(p::text, '|' ORDER BY "key"), '')) AS h FROM "PublishedResult" p`,
  );
  return r.rows[0] as { n: number; h: string };
}

/** `calib ARGS`: its output, or a failed test naming its exit code and stderr. */
async function calibOk(...args: string[]) {
  const r = await calibSpawned(db.url, args);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

beforeAll(async () => {
  db = await freshDatabase("published");
});
afterAll(async () => {
  await poolFor(db.url).end();
  await db.drop();
});

describe("import-published", () => {
  it("imports both files, and a second import changes nothing", async () => {
    const pool = poolFor(db.url);
    expect(await importPublishedFile(pool, PER_LANGUAGE)).toMatchObject({ rows: 2130, inserted: 2130 });
    expect(await importPublishedFile(pool, SUMMARY)).toMatchObject({ rows: 42, inserted: 42 });
    const before = await snapshot();
    expect(before.n).toBe(2172);
    expect(await importPublishedFile(pool, PER_LANGUAGE)).toMatchObject({ inserted: 0, updated: 0, unchanged: 2130 });
    expect(await snapshot()).toEqual(before);
  });

  it("a malformed row fails the whole file with its line number and writes nothing", async () => {
    const before = await snapshot();
    const lines = readFileSync(PER_LANGUAGE, "utf8").trimEnd().split("\n");
    // Change a valid value early on (would be an update) and break the last line.
    lines[1] = lines[1].replace(/,0\.071,/, ",0.072,");
    lines[lines.length - 1] = lines[lines.length - 1].replace(/,[^,]+,([^,]+),(\d+)$/, ",NaN,$1,$2");
    const dir = mkdtempSync(path.join(tmpdir(), "pub-"));
    const bad = path.join(dir, "bad.csv");
    writeFileSync(bad, lines.join("\n") + "\n");
    await expect(importPublishedFile(poolFor(db.url), bad)).rejects.toThrow(`bad.csv:${lines.length}, field "ece": invalid number "NaN"`);
    expect(await snapshot()).toEqual(before);
    const cli = await calibSpawned(db.url, ["import-published", bad]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`bad.csv:${lines.length}`);
  });

  it("calib report prints exactly the CSV's values for every benchmark and metric", async () => {
    const source = readFileSync(PER_LANGUAGE, "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
    for (const benchmark of ["GlobalMMLU", "MMLU-ProX"]) {
      for (const [metric, col] of [["ece", 7], ["rms", 8], ["accuracy", 5], ["entropy", 6]] as const) {
        const { stdout } = await calibOk("report", "--benchmark", benchmark, "--metric", metric, "--source", "published", "--format", "csv");
        const lines = stdout.trimEnd().split("\n");
        expect(lines[0]).toBe("language,model,sft_dataset,smoothing,value");
        const expected = source
          .filter((c) => c[0] === benchmark && c[col] !== "")
          .map((c) => [c[1], c[2], c[3], c[4], c[col]].join(","))
          .sort();
        expect(lines.slice(1).sort()).toEqual(expected);
      }
    }
  });

  it("report rejects an unknown metric with exit code 2 naming the flag", async () => {
    const e = await calibSpawned(db.url, ["report", "--metric", "brier"]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain("--metric");
  });
});
