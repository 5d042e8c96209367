import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { screenshot } from "../../testkit/browser";
import { openE2eSession, type E2eSession } from "../support/e2e-session";
import { parseCsv, type MeasuredFixture } from "../support/measured-fixture";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
let browser: Browser;
let page: Page;
let fx: MeasuredFixture;
let client: pg.Client;
let session: E2eSession;

beforeAll(async () => {
  session = await openE2eSession(appUrl, dbUrl);
  ({ fx, client, browser, page } = session);
});
afterAll(async () => {
  await session?.close();
});

describe("questions /questions", () => {
  it("shows a right-to-left question, its options and gold answer, and every model's probabilities", async () => {
    const qid = fx.questionIds.ar[3];
    await page.goto(`${appUrl}/questions/${qid}`);
    await page.waitForSelector('[data-testid="question-probs"]');
    const q = await client.query<{ text: string; options: string[]; gold: number }>(
      `SELECT "text", "options", "gold" FROM "Question" WHERE "id" = $1`,
      [qid],
    );
    const text = page.locator('[data-testid="question-text"]');
    expect(await text.getAttribute("dir")).toBe("auto");
    expect(await text.textContent()).toBe(q.rows[0].text);
    // The browser resolves dir=auto from the first strong character: Arabic reads right to left.
    expect(await text.evaluate((e) => getComputedStyle(e).direction)).toBe("rtl");
    const options = await page.locator('[data-testid="option"] bdi').allTextContents();
    expect(options).toEqual(q.rows[0].options);
    expect(await page.locator('[data-testid="option"][data-gold="1"]').getAttribute("data-option")).toBe(
      String(q.rows[0].gold),
    );

    const preds = await client.query<{ runId: number; probs: number[] }>(
      `SELECT "runId", "probs" FROM "Prediction" WHERE "questionId" = $1 ORDER BY "runId"`,
      [qid],
    );
    expect(preds.rows).toHaveLength(fx.models.length);
    expect(await page.locator('[data-testid="prediction"]').count()).toBe(preds.rows.length);
    for (const p of preds.rows)
      for (const [j, v] of p.probs.entries()) {
        const bar = page.locator(`[data-testid="prob-bar"][data-run="${p.runId}"][data-option="${j}"]`);
        expect(Number(await bar.getAttribute("data-value"))).toBe(v);
        const cell = page.locator(
          `[data-testid="prediction"][data-run="${p.runId}"] [data-testid="prob"][data-option="${j}"]`,
        );
        expect(Number(await cell.getAttribute("data-value"))).toBe(v);
      }
    await screenshot(page, "questions");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="download-csv"]'),
    ]);
    const [header, ...body] = parseCsv(readFileSync(await download.path(), "utf8"));
    expect(body).toHaveLength(q.rows[0].options.length);
    const first = preds.rows[0];
    const col = header.findIndex((h) => h.endsWith(`(run ${first.runId})`));
    expect(body.map((r) => Number(r[col]))).toEqual(first.probs);
  });

  it("lists the questions of a reliability bin — exactly the bin's count in the stored stats", async () => {
    const base = fx.models.find((m) => m.sftDataset === null)!;
    const s = await client.query<{ reliability: { count: number; lower: number; upper: number }[] }>(
      `SELECT "reliability" FROM "RunLanguageStats" WHERE "runId" = $1 AND "languageCode" = 'he' AND "binning" = 'equal-width'`,
      [base.runId],
    );
    const bin = s.rows[0].reliability.findIndex((b) => b.count >= 5);
    await page.goto(`${appUrl}/reliability?benchmark=GlobalMMLU&languages=he&models=${base.name}`);
    await page.locator(`[data-series="${base.name}"] [data-testid="bin"][data-bin="${bin}"]`).click();
    await page.waitForURL(/\/questions\?/);
    await page.waitForSelector('[data-testid="bin-questions"]');
    const summary = page.locator('[data-testid="bin-summary"]');
    expect(Number(await summary.getAttribute("data-total"))).toBe(s.rows[0].reliability[bin].count);
    expect(Number(await summary.getAttribute("data-stats-count"))).toBe(s.rows[0].reliability[bin].count);
    const confs = await page
      .locator('[data-testid="bin-question"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-confidence"))));
    expect(confs).toHaveLength(s.rows[0].reliability[bin].count);
    for (const c of confs) expect(Math.min(Math.floor(c * 15), 14)).toBe(bin);
    expect([...confs].sort((a, b) => a - b)).toEqual(confs);
    // Accuracy of the listed questions = the bin's stored accuracy.
    const correct = await page.locator('[data-testid="bin-question"][data-correct="1"]').count();
    const stored = await client.query<{ acc: number }>(
      `SELECT ("reliability"->$2::int->>'accuracy')::float8 AS acc FROM "RunLanguageStats" WHERE "runId" = $1 AND "languageCode" = 'he' AND "binning" = 'equal-width'`,
      [base.runId, bin],
    );
    expect(correct / confs.length).toBeCloseTo(stored.rows[0].acc, 12);
    await screenshot(page, "questions-bin");

    // Copy link → the same list in a fresh page.
    await page.click('[data-testid="copy-link"]');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    const fresh = await browser.newPage();
    await fresh.goto(link);
    await fresh.waitForSelector('[data-testid="bin-questions"]');
    const ids = (p: Page) =>
      p
        .locator('[data-testid="bin-question"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    expect(await ids(fresh)).toEqual(await ids(page));
    await fresh.close();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="download-csv"]'),
    ]);
    const [header, ...body] = parseCsv(readFileSync(await download.path(), "utf8"));
    expect(body.map((r) => r[header.indexOf("question_id")])).toEqual(await ids(page));
  });

  it("equal-mass bins are cut by rank like the stats", async () => {
    const base = fx.models.find((m) => m.sftDataset === null)!;
    const s = await client.query<{ reliability: { count: number }[] }>(
      `SELECT "reliability" FROM "RunLanguageStats" WHERE "runId" = $1 AND "languageCode" = 'de' AND "binning" = 'equal-mass'`,
      [base.runId],
    );
    await page.goto(
      `${appUrl}/questions?benchmark=GlobalMMLU&languages=de&run=${base.runId}&binning=equal-mass&bin=4`,
    );
    const summary = page.locator('[data-testid="bin-summary"]');
    expect(Number(await summary.getAttribute("data-total"))).toBe(s.rows[0].reliability[4].count);
    expect(await page.locator('[data-testid="bin-question"]').count()).toBe(s.rows[0].reliability[4].count);
  });

  it("says what is missing", async () => {
    await page.goto(`${appUrl}/questions`);
    await expect.poll(() => page.locator('[data-testid="empty"]').textContent()).toContain("/reliability");
    await page.goto(`${appUrl}/questions/999999999`);
    await expect
      .poll(() => page.locator('[data-testid="empty"]').textContent())
      .toContain("npm run calib -- import");
    await page.goto(`${appUrl}/questions?run=abc&languages=de&bin=1`);
    await expect.poll(() => page.locator('.error[role="alert"]').textContent()).toContain('field "run"');
  });
});
