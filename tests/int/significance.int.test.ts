/**
 * GET /smoothing/significance: the same numbers as the in-process bootstrap it replaced, one computation for any
 * number of identical concurrent requests, cross-site requests refused, and 503 + Retry-After when the compute
 * threads' queue is full (one thread and one waiting place here).
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/db";
import { writeScoresFile } from "../support/scores-file";

process.env.ATLAS_COMPUTE_THREADS = "1";
process.env.ATLAS_COMPUTE_QUEUE = "1";

const DIR = path.resolve(__dirname, `../../.atlas-test/significance-${process.pid}`);
const N = 400;
let db: TestDatabase;
let pool: import("pg").Pool;
const runs: Record<string, number> = {};

/** A scores file of N English questions; `skill` moves the model's confidence in the right answer. */
const scoresFile = (name: string, skill: number, seed: number) =>
  writeScoresFile(DIR, name, { skill, seed, n: N, languages: ["en"] });

beforeAll(async () => {
  db = await freshDatabase("significance");
  process.env.DATABASE_URL = db.url;
  pool = (await import("../../lib/db/pool")).poolFor(db.url);
  mkdirSync(DIR, { recursive: true });
  const { importFiles } = await import("../../lib/import/import-files");
  for (const [name, skill, seed] of [
    ["A", 0.3, 1],
    ["B", 0.6, 2],
    ["C", 0.9, 3],
  ] as const) {
    const r = await importFiles({
      db: pool,
      files: [scoresFile(name, skill, seed)],
      model: `M-${name}`,
      benchmark: "Bench",
    });
    runs[name] = r.runId;
  }
});

afterAll(async () => {
  await (await import("../../lib/compute/bootstrap-pool")).bootstrapPool().close();
  await pool?.end();
  await db?.drop();
  rmSync(DIR, { recursive: true, force: true });
});

const url = (a: string, b: string) =>
  `http://localhost:3000/smoothing/significance?runA=${runs[a]}&runB=${runs[b]}&language=en`;
const get = async (u: string, headers: Record<string, string> = {}) => {
  const { GET } = await import("../../app/smoothing/significance/route");
  return GET(new Request(u, { headers: { host: "localhost:3000", ...headers } }));
};

describe("GET /smoothing/significance", () => {
  it("gives the numbers of the in-process paired bootstrap", async () => {
    const res = await get(url("A", "B"));
    expect(res.status).toBe(200);
    const body = await res.json();
    // The computation as it ran before, on this thread: same rows, same seed.
    const { labelledSet, pairedBootstrap } = await import("../../lib/calibration");
    const r = await pool.query<{ pa: number[]; pb: number[]; gold: number }>(
      `SELECT a."probs" AS pa, b."probs" AS pb, q."gold" FROM "Question" q
       JOIN "Prediction" a ON a."questionId" = q."id" AND a."runId" = $1
       JOIN "Prediction" b ON b."questionId" = q."id" AND b."runId" = $2 ORDER BY q."id"`,
      [runs.A, runs.B],
    );
    const gold = r.rows.map((x) => x.gold);
    const ew = pairedBootstrap(
      labelledSet(
        r.rows.map((x) => x.pb),
        gold,
      ),
      labelledSet(
        r.rows.map((x) => x.pa),
        gold,
      ),
      {
        resamples: 200,
        seed: `smoothing/${runs.A}/${runs.B}/en`,
        binning: "equal-width",
      },
    );
    expect(body.n).toBe(N);
    // The same draws; the in-process pairedBootstrap adds in sorted order, so intervals agree to rounding.
    const close = (x: number, y: number) => expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-12);
    close(body.metrics.ece.a, ew.ece!.b);
    close(body.metrics.ece.b, ew.ece!.a);
    close(body.metrics.ece.difference, ew.ece!.difference);
    body.metrics.ece.interval.forEach((v: number, k: number) => close(v, ew.ece!.interval[k]));
    expect(body.metrics.ece.p).toBe(ew.ece!.pValue);
    expect(body.metrics.accuracy.p).toBe(ew.accuracy!.pValue);
    body.metrics.entropy.interval.forEach((v: number, k: number) => close(v, ew.entropyBits!.interval[k]));
  });

  it("computes once for identical concurrent requests, and every waiter gets the result", async () => {
    const { significanceComputations } = await import("../../lib/db/queries/smoothing-significance");
    const before = significanceComputations.count;
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(url("B", "C"))));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const bodies = await Promise.all(answers.map((a) => a.json()));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(significanceComputations.count - before).toBe(1);
  });

  it("refuses cross-site and other-origin requests; same-origin and direct ones pass", async () => {
    const refused: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example" },
      { origin: "http://localhost:8080" },
      { origin: "null" },
    ];
    for (const headers of refused) {
      const res = await get(url("A", "B"), headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect((await res.json()).error.code).toBe("CROSS_SITE");
    }
    const allowed: Record<string, string>[] = [
      {},
      { "sec-fetch-site": "same-origin", origin: "http://localhost:3000" },
      { "sec-fetch-site": "none" },
    ];
    for (const headers of allowed)
      expect((await get(url("A", "B"), headers)).status, JSON.stringify(headers)).toBe(200);
  });

  it("answers 503 with Retry-After when more different computations wait than the queue holds", async () => {
    const pairs: [string, string][] = [
      ["C", "A"],
      ["A", "C"],
      ["C", "B"],
      ["B", "A"],
    ];
    // A long task holds the one compute thread (a request's own bootstrap takes milliseconds, too short to rely on),
    // so the requests meet a busy pool: one takes the waiting place, the other three are turned away at once.
    const { bootstrapPool } = await import("../../lib/compute/bootstrap-pool");
    const { labelledSet } = await import("../../lib/calibration");
    const rows = 20_000;
    const big = labelledSet(
      Array.from({ length: rows }, (_, i) => (i % 3 ? [0.7, 0.1, 0.1, 0.1] : [0.4, 0.3, 0.2, 0.1])),
      Array.from({ length: rows }, (_, i) => i % 4),
    );
    const holding = bootstrapPool().run({ kind: "paired-basic", a: big, b: big, options: { resamples: 4000 } });
    const answers = await Promise.all(pairs.map(([a, b]) => get(url(a, b))));
    await holding;
    const codes = answers.map((a) => a.status).sort();
    expect(codes).toEqual([200, 503, 503, 503]);
    const busy = answers.find((a) => a.status === 503)!;
    expect(Number(busy.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await busy.json()).error.code).toBe("BUSY");
  });
});
