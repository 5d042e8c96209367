/**
 * Data out for `/reliability` and `/smoothing` through the running app: the view's own URL with `format=csv` is
 * answered by its data twin (proxy.ts → /api/views/<view>) as text/csv with the tidy table's header, the numbers
 * of the stored stats, no file paths (`/runs` too); an unavailable bin count is a 400 naming `bins`.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RELIABILITY_COLUMNS } from "@/lib/views/reliability-table";
import { RUNS_COLUMNS } from "@/lib/views/runs-table";
import { SMOOTHING_COLUMNS } from "@/lib/views/smoothing-table";
import { parseCsv, writeE2eFixture, type MeasuredFixture } from "../support/measured-fixture";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
let fx: MeasuredFixture;
let client: pg.Client;

beforeAll(async () => {
  fx = await writeE2eFixture(dbUrl);
  client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

describe("data out: /reliability and /smoothing with format=csv", () => {
  it("/reliability answers its bins and panel metrics as CSV, at the requested bin count", async () => {
    const base = fx.models.find((m) => m.sftDataset === null)!;
    const res = await fetch(`${appUrl}/reliability?benchmark=${fx.benchmark}&models=${encodeURIComponent(base.name)}&languages=sw&bins=5&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(RELIABILITY_COLUMNS);
    const col = (r: string[], c: string) => r[header.indexOf(c)];
    const mine = rows.filter((r) => col(r, "model") === base.name && col(r, "language") === "sw");
    expect(mine.filter((r) => col(r, "measure") === "count")).toHaveLength(5);
    const stored = await client.query<{ n: number; smece: number }>(
      `SELECT "n", "smece" FROM "RunLanguageStats" WHERE "runId" = $1 AND "languageCode" = 'sw' AND "binning" = 'equal-width'`,
      [base.runId],
    );
    expect(mine.reduce((s, r) => s + (col(r, "measure") === "count" ? Number(col(r, "value")) : 0), 0)).toBe(stored.rows[0].n);
    expect(Number(col(mine.find((r) => col(r, "measure") === "smece")!, "value"))).toBeCloseTo(stored.rows[0].smece, 12);
    expect(rows.every((r) => r.every((v) => !v.startsWith("/")))).toBe(true);
    const bad = await fetch(`${appUrl}/reliability?benchmark=${fx.benchmark}&bins=7&format=csv`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("bins");
  });

  it("/smoothing answers its metrics against β as CSV", async () => {
    const res = await fetch(`${appUrl}/smoothing?benchmark=${fx.benchmark}&family=${encodeURIComponent(fx.family)}&source=measured&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(SMOOTHING_COLUMNS);
    expect(rows.some((r) => r[header.indexOf("language")] === "avg" && r[header.indexOf("beta")] === "0.1")).toBe(true);
  });

  it("/runs answers one row per run as CSV, without paths", async () => {
    const res = await fetch(`${appUrl}/runs?family=${encodeURIComponent(fx.family)}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(RUNS_COLUMNS);
    expect(rows.map((r) => Number(r[0]))).toEqual(expect.arrayContaining(fx.models.map((m) => m.runId)));
    expect(rows.every((r) => r.every((v) => !v.startsWith("/")))).toBe(true);
  });
});
