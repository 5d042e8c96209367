import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibSpawned } from "../../support/calib";
import { freshDatabase, type TestDatabase } from "../../support/db";
import { fixture, tempFile } from "../../support/import-helpers";

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase("cli");
});

afterAll(async () => {
  await db?.drop();
});

const calib = (...args: string[]) => calibSpawned(db.url, args);

describe("calib import / recompute", () => {
  it("imports, reports the run, and is a no-op the second time (exit 0 both times)", async () => {
    const args = [
      "import",
      fixture("plaut", "arc__tiny__base.txt"),
      "--model",
      "Tiny-Chat",
      "--base",
      "Tiny",
      "--sft",
      "chat",
      "--benchmark",
      "ARC-Challenge",
    ];
    const first = await calib(...args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^run (\d+): 5 predictions in 1 language \(en\), 5 new questions, 1 file; top-label only/,
    );
    const id = /^run (\d+)/.exec(first.stdout)![1];
    const again = await calib(...args);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(`already imported as run ${id} (5 predictions); nothing changed`);
  });

  it("exits 2 with file:line on bad input, 1 on a conflicting model, 2 on bad flags", async () => {
    const bad = await calib(
      "import",
      tempFile("bad.jsonl", `{"id":"a","language":"en","probs":[0.5,0.5],"label":7}\n`),
      "--model",
      "X",
      "--benchmark",
      "B",
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.jsonl:1, field "label": label 7 out of range for 2 options/);
    const conflict = await calib(
      "import",
      fixture("scores", "scores.jsonl"),
      "--model",
      "Tiny-Chat",
      "--sft",
      "other",
      "--benchmark",
      "B",
    );
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(
      /model "Tiny-Chat" already exists with a different SFT dataset \(stored: chat\)/,
    );
    expect((await calib("import", "x.jsonl", "--model", "X", "--benchmark", "B", "--beta", "abc")).code).toBe(
      2,
    );
    expect((await calib("import", "x.jsonl", "--model", "X")).code).toBe(2);
    expect((await calib("import", "x.jsonl", "--model", "X", "--benchmark", "B", "--bogus")).code).toBe(2);
  });

  it("recompute rebuilds the statistics of one run or of all runs", async () => {
    const one = await calib("recompute", "--run", "1");
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^run 1: statistics recomputed in \d+ ms/);
    // Progress per language on stderr (a plain line when it is not a terminal), ending at every prediction.
    const predictions = (await calib("recompute", "--run", "1")).stderr.trim().split("\n").pop() ?? "";
    expect(predictions).toMatch(/^run 1 \w+ \[█+\] (\d+)\/\1 100% /);
    const all = await calib("recompute");
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim().split("\n").length).toBeGreaterThanOrEqual(1);
  });

  it("--no-stats imports without statistics; recompute then adds them", async () => {
    const { Client } = await import("pg");
    const statsRows = async (runId: string) => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query(`SELECT count(*)::int AS n FROM "RunLanguageStats" WHERE "runId" = $1`, [runId])).rows[0].n as number;
      } finally {
        await c.end();
      }
    };
    const r = await calib("import", fixture("plaut", "arc__tiny__base.txt"), "--model", "Tiny-NoStats", "--benchmark", "ARC-Challenge", "--no-stats");
    expect(r.code, r.stderr).toBe(0);
    const id = /^run (\d+)/.exec(r.stdout)![1];
    expect(r.stderr).toContain(`recompute --run ${id}`);
    expect(await statsRows(id)).toBe(0);
    expect((await calib("recompute", "--run", id)).code).toBe(0);
    expect(await statsRows(id)).toBe(2); // one language × two binnings
  });

  it("recompute: unknown run is an error; --run must be an id", async () => {
    expect((await calib("recompute", "--run", "abc")).code).toBe(2);
    const missing = await calib("recompute", "--run", "99999");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no run 99999/);
  });
});
