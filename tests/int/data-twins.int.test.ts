/**
 * Data out parity (issue 16): on the measured fixture, each view's data twin (/api/views/<view>, called through
 * its route handler) answers the same CSV as `calib report --view <view>` with the same parameters, and the
 * reliability twin's numbers are the stored stats (15 bins) or exact merges of them (bins=5).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as reliabilityTwin } from "../../app/api/views/reliability/route";
import { GET as resultsTwin } from "../../app/api/views/results/route";
import { GET as runsTwin } from "../../app/api/views/runs/route";
import { GET as smoothingTwin } from "../../app/api/views/smoothing/route";
import { poolFor } from "../../lib/db/pool";
import { calibSpawned } from "../support/calib";
import { freshDatabase, type TestDatabase } from "../support/db";
import { type MeasuredFixture, writeMeasuredFixture } from "../support/measured-fixture";

let db: TestDatabase;
let fx: MeasuredFixture;

beforeAll(async () => {
  db = await freshDatabase("data_twins");
  fx = await writeMeasuredFixture(db.url, { languages: ["en", "sw", "ar"], questionsPerLanguage: 60, tuned: [{ sftDataset: "Alpaca", betas: [0, 0.1] }], resamples: 10 });
  // A run that stored absolute paths (source file, configuration) and a raw worker error: the runs twin shows none of them.
  await poolFor(db.url).query(
    `UPDATE "Run" SET "sourceFiles" = '[{"path": "/secret/dir/scores.jsonl", "sha256": "ab12"}]', "config" = '{"data": "/secret/dir/data"}',
            "error" = 'failed at /secret/dir/model.onnx' || chr(10) || 'at stack' WHERE "id" = $1`,
    [fx.models[0].runId],
  );
  process.env.DATABASE_URL = db.url;
});
afterAll(async () => {
  await poolFor(db.url).end();
  await db.drop();
});

const TWINS = { reliability: reliabilityTwin, results: resultsTwin, smoothing: smoothingTwin, runs: runsTwin };

async function twinCsv(view: keyof typeof TWINS, query: string): Promise<string> {
  const res = await TWINS[view](new Request(`http://localhost/api/views/${view}?${query}&format=csv&limit=100000`));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/csv");
  return res.text();
}

const parse = (csv: string) => csv.trimEnd().split("\n").map((l) => l.split(","));

describe("data twins equal calib report --view", () => {
  it.each([
    ["reliability", ""],
    ["reliability", "bins=5&languages=sw,ar&binning=equal-width"],
    ["results", "cols=source,language,model,beta,ece,accuracy"],
    ["smoothing", "source=measured"],
    ["runs", ""],
  ] as const)("%s ?%s", async (view, extra) => {
    const query = `benchmark=${encodeURIComponent(fx.benchmark)}${extra ? "&" + extra : ""}`;
    const csv = await twinCsv(view, query);
    expect(parse(csv).length).toBeGreaterThan(3); // header + rows
    const cli = await calibSpawned(db.url, ["report", "--view", view, "--query", query]);
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(csv);
    const json = await calibSpawned(db.url, ["report", "--view", view, "--query", query, "--format", "json"]);
    const twinJson = await (await TWINS[view](new Request(`http://localhost/api/views/${view}?${query}&format=json&limit=100000`))).json();
    expect(JSON.parse(json.stdout)).toEqual({ columns: twinJson.columns, rows: twinJson.rows, total: twinJson.total });
  });

  it("runs: base names and hashes of source files, error summaries, no path anywhere", async () => {
    const csv = await twinCsv("runs", `family=${encodeURIComponent(fx.family)}`);
    expect(csv).not.toContain("/secret");
    const [header, ...rows] = parse(csv);
    const run = rows.find((r) => r[header.indexOf("run_id")] === String(fx.models[0].runId))!;
    expect(run[header.indexOf("source_files")]).toBe("scores.jsonl");
    expect(run[header.indexOf("source_sha256")]).toBe("ab12");
    expect(rows).toHaveLength(fx.models.length);
  });

  it("reliability: the stored bins and ECE at 15 bins, exact merges at 5, an unavailable count is a 400 naming bins", async () => {
    const base = fx.models.find((m) => m.sftDataset === null)!;
    const stored = await poolFor(db.url).query<{ reliability: { count: number }[]; ece: number; n: number }>(
      `SELECT "reliability", "ece", "n" FROM "RunLanguageStats" WHERE "runId" = $1 AND "languageCode" = 'sw' AND "binning" = 'equal-width'`,
      [base.runId],
    );
    const bins = stored.rows[0].reliability;
    const [header, ...rows] = parse(await twinCsv("reliability", `benchmark=${fx.benchmark}&languages=sw`));
    const col = (r: string[], c: string) => r[header.indexOf(c)];
    const mine = rows.filter((r) => col(r, "run_id") === String(base.runId));
    expect(mine.filter((r) => col(r, "measure") === "count").map((r) => Number(col(r, "value")))).toEqual(bins.map((b) => b.count));
    expect(Number(col(mine.find((r) => col(r, "measure") === "ece")!, "value"))).toBeCloseTo(stored.rows[0].ece, 12);
    expect(mine.every((r) => col(r, "n") === String(stored.rows[0].n))).toBe(true);

    const [h5, ...r5] = parse(await twinCsv("reliability", `benchmark=${fx.benchmark}&languages=sw&bins=5`));
    const counts5 = r5.filter((r) => r[h5.indexOf("run_id")] === String(base.runId) && r[h5.indexOf("measure")] === "count").map((r) => Number(r[h5.indexOf("value")]));
    expect(counts5).toEqual([0, 1, 2, 3, 4].map((g) => bins.slice(g * 3, g * 3 + 3).reduce((s, b) => s + b.count, 0)));

    const cliBad = await calibSpawned(db.url, ["report", "--view", "reliability", "--query", `benchmark=${fx.benchmark}&bins=7`]);
    expect(cliBad.code).toBe(2);
    expect(cliBad.stderr).toContain('field "bins"');
    expect(cliBad.stdout).toBe("");
    const bad = await reliabilityTwin(new Request(`http://localhost/api/views/reliability?benchmark=${fx.benchmark}&bins=7&format=csv`));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("bins");
  });
});
