/**
 * The heatmap mode "after recalibration (method, fit)" (issue 14 §2): "computing…" while the compute thread works,
 * then each measured cell shows the stored out-of-sample ECE after the chosen method and fit (RecalibrationResult,
 * the same result /recalibration reads), with URL state, a legend naming method and fit, and the CSV twin.
 */
import { screenshot } from "../../testkit/browser";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openE2eSession, type E2eSession } from "../support/e2e-session";
import { importFiles } from "../../lib/import/import-files";
import { Rng } from "../../lib/calibration";
import { tempFile } from "../support/import-helpers";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
let session: E2eSession;
let client: pg.Client;
let page: Page;
let runId: number;

const BENCH = "Recal-E2E";
const MODEL = "Recal-1B";

/** en and sw, 200 questions each; sw over-confident, so its own fit and the English fit differ. */
function rows(): string {
  const rng = new Rng("recal-e2e");
  const out: string[] = [];
  for (const [language, sharp] of [["en", 1.5], ["sw", 3]] as const)
    for (let i = 0; i < 200; i++) {
      const e = Array.from({ length: 4 }, () => Math.exp(sharp * rng.nextNormal()));
      const s = e.reduce((a, b) => a + b);
      out.push(JSON.stringify({ id: `q${i}`, language, probs: e.map((x) => x / s), label: rng.nextInt(4) }));
    }
  return out.join("\n") + "\n";
}

beforeAll(async () => {
  session = await openE2eSession(appUrl, dbUrl);
  ({ client, page } = session);
  const pool = new pg.Pool({ connectionString: dbUrl, max: 1 });
  try {
    runId = (await importFiles({ db: pool, files: [tempFile("recal-e2e.jsonl", rows())], model: MODEL, benchmark: BENCH })).runId;
  } finally {
    await pool.end();
  }
});
afterAll(async () => {
  await session?.close();
});

const cell = (lang: string) => page.locator(`[data-testid="cell-${lang}-measured:${MODEL}||"]`);

describe("heatmap after recalibration", () => {
  it("once computed off the request thread, shows the stored out-of-sample ECE of the chosen method and fit", async () => {
    await page.goto(`${appUrl}/?benchmark=${BENCH}&mode=recalibrated&method=histogram&fit=english`);
    // The first request starts the computation off the request thread; the page polls and refreshes itself.
    await page.waitForSelector('[data-testid="heatmap"]', { timeout: 90_000 });
    const stored = await client.query<{ result: { languages: { language: string; before: { ece: number }; after: Record<string, { ece: number } | null> }[] } }>(
      `SELECT "result" FROM "RecalibrationResult" WHERE "runId" = $1 AND "method" = 'histogram'`,
      [runId],
    );
    expect(stored.rowCount).toBe(1);
    const sw = stored.rows[0].result.languages.find((l) => l.language === "sw")!;
    expect(await cell("sw").locator("text").textContent()).toBe(sw.after.english!.ece.toFixed(3));
    expect(sw.after.english!.ece.toFixed(3)).not.toBe(sw.before.ece.toFixed(3));
    expect(await page.locator("h1").textContent()).toContain("ECE after histogram binning (fitted on English), out of sample");
    expect(await page.locator('select[name="fit"]').inputValue()).toBe("english");

    // Another fit of the same stored result: no new computation, another value.
    await page.locator('select[name="fit"]').selectOption("pooled");
    await page.waitForURL(/fit=pooled/);
    await expect.poll(() => cell("sw").locator("text").textContent()).toBe(sw.after.pooled!.ece.toFixed(3));
    await screenshot(page, "heatmap-recalibrated");
  });

  it("the CSV twin answers the same values, labelled with method and fit; a bad fit is a 400", async () => {
    const res = await fetch(`${appUrl}/?benchmark=${BENCH}&mode=recalibrated&method=histogram&fit=pooled&format=json`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { columns: string[]; rows: Record<string, unknown>[] };
    const stored = await client.query<{ result: { languages: { language: string; after: Record<string, { ece: number } | null> }[] } }>(
      `SELECT "result" FROM "RecalibrationResult" WHERE "runId" = $1 AND "method" = 'histogram'`,
      [runId],
    );
    const rows = body.rows.map((r) => ({ mode: r.mode, language: r.language, value: Number(r.value) }));
    expect(rows.map((r) => r.language).sort()).toEqual(["en", "sw"]);
    for (const r of rows) {
      expect(r.mode).toBe("recalibrated:histogram:pooled");
      // The twin writes measured floats with 15 significant digits (docs/views.md "Numbers").
      expect(r.value).toBeCloseTo(stored.rows[0].result.languages.find((l) => l.language === r.language)!.after.pooled!.ece, 13);
    }
    expect((await fetch(`${appUrl}/?benchmark=${BENCH}&mode=recalibrated&fit=french`)).status).toBe(400);
  });
});
