/**
 * The hostile-input corpus (tests/support/hostile-corpus.ts) through `calib import`: every crafted file is refused
 * with exit 2 and a message naming file:line(:field), within 5 s, and leaves the database exactly as it was (row
 * counts and an md5 of every table's rows). In-process (cli/main.ts, the CLI's own dispatcher) for the timing;
 * the spawned CLI confirms the process exit codes.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibInProcess, calibSpawned } from "../../support/calib";
import { freshDatabase, type TestDatabase } from "../../support/db";
import { ACCEPTED_HOSTILE, FORMULA_ID, HOSTILE_CASES, writeCorpus, type HostileCase } from "../../support/hostile-corpus";
import { csvCell } from "../../../lib/csv-cell";
import { snapshot } from "../../support/db-snapshot";

let db: TestDatabase;
let client: pg.Client;
let paths: Map<string, string>;
const IMPORT_FLAGS = ["--model", "Hostile-1", "--benchmark", "Hostile"];

beforeAll(async () => {
  db = await freshDatabase("hostile");
  process.env.DATABASE_URL = db.url;
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // Some content first, so "unchanged" is checked against real rows.
  const seed = path.resolve(__dirname, "../../../tests/fixtures/imports/scores/scores.jsonl");
  expect((await calibInProcess(["import", seed, ...IMPORT_FLAGS])).code).toBe(0);
  paths = writeCorpus(mkdtempSync(path.join(tmpdir(), "atlas-hostile-")), [...HOSTILE_CASES, ...ACCEPTED_HOSTILE]);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const importInProcess = (file: string, flags: string[] = []) => calibInProcess(["import", file, ...IMPORT_FLAGS, ...flags]);

function expectNamed(stderr: string, k: HostileCase) {
  expect(stderr).toContain(k.expect);
  expect(stderr).toContain(`calib: ${k.line === undefined ? k.file : `${k.file}:${k.line}`}`);
  if (k.field) expect(stderr).toContain(`field "${k.field}"`);
}

describe("hostile input through calib import", () => {
  it(`has at least 25 kinds, every name unique`, () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(25);
    expect(new Set(HOSTILE_CASES.map((k) => k.kind)).size).toBe(HOSTILE_CASES.length);
  });

  for (const k of HOSTILE_CASES) {
    it(`refuses ${k.kind}: exit 2, ${k.expect || "an error"} at ${k.file}${k.line ? `:${k.line}` : ""}, < 5 s, nothing written`, async () => {
      const before = await snapshot(client);
      const t = performance.now();
      const r = await importInProcess(paths.get(k.kind)!, k.flags);
      const ms = performance.now() - t;
      expect(r.code, r.stderr).toBe(2);
      expectNamed(r.stderr, k);
      expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(ms).toBeLessThan(5000);
      expect(await snapshot(client)).toEqual(before);
    });
  }

  it("imports formula-looking cells unchanged, and every CSV export neutralises them", async () => {
    const r = await importInProcess(paths.get("formula-injection-cells")!, ["--model", "=cmd|' /C calc'!A0"]);
    expect(r.code, r.stderr).toBe(0);
    const q = await client.query<{ externalId: string; text: string | null; options: string[] }>(
      `SELECT "externalId", text, options FROM "Question" WHERE "externalId" IN ($1, '-0.5') ORDER BY "externalId"`,
      [FORMULA_ID],
    );
    expect(q.rows.map((x) => x.externalId)).toEqual(["-0.5", FORMULA_ID]);
    expect(q.rows[1].text).toBe("+1+cmd|' /C calc'!A0");
    expect(q.rows[1].options).toEqual(["-2+3", "\t=1"]);
    expect(csvCell(FORMULA_ID)).toBe(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csvCell("-0.5")).toBe("-0.5");
    // calib report's CSV: the model name is a cell.
    const report = await calibSpawned(db.url, ["report", "--benchmark", "Hostile", "--source", "measured", "--metric", "ece"]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(",'=cmd|' /C calc'!A0,");
    expect(report.stdout).not.toMatch(/(^|,)=cmd/m);
  });

  it("imports a file with mixed CRLF/LF line ends and a byte-order mark", async () => {
    const r = await importInProcess(paths.get("crlf-lf-mix-and-bom")!, ["--model", "Hostile-2"]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("hostile input through the spawned CLI", () => {
  // A process costs 2-4 s of start-up on a loaded 2-core machine, so the process wiring (process.exit with
  // runCalib's code, the message on stderr) is checked on every 4th kind (all categories: detection, encoding,
  // sizes incl. TOO_LARGE, numbers, structure); the in-process suite above runs every kind through the same code.
  it("exits 2 (never 1, never a crash) with the file:line message", async () => {
    const before = await snapshot(client);
    const queue = HOSTILE_CASES.filter((_, i) => i % 4 === 0 || HOSTILE_CASES[i].tooLarge);
    const failures: string[] = [];
    await Promise.all(
      [0, 1].map(async () => {
        for (let k = queue.shift(); k; k = queue.shift()) {
          const r = await calibSpawned(db.url, ["import", paths.get(k.kind)!, ...IMPORT_FLAGS, ...(k.flags ?? [])]);
          const named = `calib: ${k.line === undefined ? k.file : `${k.file}:${k.line}`}`;
          if (r.code !== 2 || !r.stderr.includes(named) || !r.stderr.includes(k.expect))
            failures.push(`${k.kind}: exit ${r.code}: ${r.stderr.slice(0, 300)}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(await snapshot(client)).toEqual(before);
  }, 300_000);
});
