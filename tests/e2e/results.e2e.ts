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

async function one<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T> {
  return (await client.query<T>(sql, params)).rows[0];
}

const rowCount = async (p: Page = page) =>
  Number(((await p.locator('[data-testid="row-count"]').textContent()) ?? "").split(" ")[0]);

beforeAll(async () => {
  session = await openE2eSession(appUrl, dbUrl);
  ({ fx, client, browser, page } = session);
});
afterAll(async () => {
  await session?.close();
});

describe("results /results", () => {
  it("lists every published and measured GlobalMMLU row, virtualised, with exact values and intervals", async () => {
    await page.goto(appUrl + "/results?benchmark=GlobalMMLU");
    await page.waitForSelector('[data-testid="result-row"]');
    const published = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId" WHERE b."name" = 'GlobalMMLU'`,
    );
    const measured = fx.models.length * fx.languages.length;
    expect(await rowCount()).toBe(published.n + measured);
    expect(Number(await page.locator('[data-testid="results"]').getAttribute("data-rows"))).toBe(
      published.n + measured,
    );
    // Virtualised: only a screenful of rows is in the DOM.
    expect(await page.locator('[data-testid="result-row"]').count()).toBeLessThan(80);

    // Measured row: exact ECE and its bootstrap interval (6 significant digits).
    const s = await one<{ ece: number; iv: [number, number] }>(
      `SELECT s."ece", s."intervals"->'ece' AS iv FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId" JOIN "Model" m ON m."id" = r."modelId"
       WHERE m."name" = 'Synth-1B' AND s."languageCode" = 'am' AND s."binning" = 'equal-width' AND r."status" = 'completed'`,
    );
    const cell = page.locator(
      '[data-testid="result-row"][data-model="Synth-1B"][data-language="am"] [data-col="ece"]',
    );
    expect(Number(await cell.getAttribute("data-value"))).toBe(s.ece);
    expect(Number(await cell.getAttribute("data-lo"))).toBeCloseTo(s.iv[0], 6);
    expect(Number(await cell.getAttribute("data-hi"))).toBeCloseTo(s.iv[1], 6);
    await screenshot(page, "results");
  });

  it("sorting, column filters and grouping are URL state", async () => {
    await page.goto(appUrl + "/results?benchmark=GlobalMMLU");
    await page.waitForSelector('[data-testid="result-row"]');
    await page.fill('input[name="filter-model"]', "Synth");
    await page.waitForURL(/cf=model%3ASynth/);
    await expect.poll(() => rowCount()).toBe(fx.models.length * fx.languages.length);

    await page.click('[data-testid="sort-ece"]');
    await page.waitForURL(/sortBy=ece%3Aasc/);
    await page.click('[data-testid="sort-ece"]');
    await page.waitForURL(/sortBy=ece%3Adesc/);
    const max = await one<{ v: number; model: string; lang: string }>(
      `SELECT s."ece" AS v, m."name" AS model, s."languageCode" AS lang FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId"
       JOIN "Model" m ON m."id" = r."modelId" WHERE m."family" = 'Synth-1B' AND s."binning" = 'equal-width' AND r."status" = 'completed'
       ORDER BY s."ece" DESC LIMIT 1`,
    );
    const first = page.locator('[data-testid="result-row"][data-index="0"]');
    await expect.poll(() => first.getAttribute("data-model")).toBe(max.model);
    expect(await first.getAttribute("data-language")).toBe(max.lang);
    expect(Number(await first.locator('[data-col="ece"]').getAttribute("data-value"))).toBe(max.v);

    // Numeric range filter.
    await page.fill('input[name="filter-ece"]', "0.1..");
    await page.waitForURL(/ece%3A0\.1\.\./);
    const above = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId" JOIN "Model" m ON m."id" = r."modelId"
       WHERE m."family" = 'Synth-1B' AND s."binning" = 'equal-width' AND r."status" = 'completed' AND s."ece" >= 0.1`,
    );
    await expect.poll(() => rowCount()).toBe(above.n);

    // Group by β: one group row per β value among the filtered rows.
    await page.click('[data-testid="group-beta"]');
    await page.waitForURL(/group=beta/);
    const betas = await one<{ n: number }>(
      `SELECT count(DISTINCT coalesce(m."smoothing"::text, 'base'))::int AS n FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId"
       JOIN "Model" m ON m."id" = r."modelId"
       WHERE m."family" = 'Synth-1B' AND s."binning" = 'equal-width' AND r."status" = 'completed' AND s."ece" >= 0.1`,
    );
    await expect.poll(() => page.locator('[data-testid="group-row"]').count()).toBe(betas.n);
    await page.locator('[data-testid="toggle-group"]').first().click();
    await page.waitForURL(/open=beta%253A/); // the expanded group's row id, "beta:…", URI-encoded in the list
    const shown = await page.locator('[data-testid="result-row"]').count();
    expect(shown).toBeGreaterThan(0);
    await screenshot(page, "results-grouped");
    // The expanded group is part of the link: a fresh page opens with the same rows showing.
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await fresh.goto(page.url());
    await fresh.waitForSelector('[data-testid="group-row"]');
    await expect.poll(() => fresh.locator('[data-testid="result-row"]').count()).toBe(shown);
    await fresh.close();
  });

  it("copy link reopens the same table; the CSV has exactly the rows and columns shown", async () => {
    await page.goto(
      appUrl + "/results?benchmark=GlobalMMLU&source=measured&cf=language:am|de&sortBy=rms:asc",
    );
    await page.waitForSelector('[data-testid="result-row"]');
    await page.fill('input[name="filter-beta"]', "0.1");
    await page.waitForURL(/beta%3A0\.1/);
    await expect.poll(() => rowCount()).toBe(4);
    await page.click('[data-testid="copy-link"]');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(page.url());
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await fresh.goto(link);
    await fresh.waitForSelector('[data-testid="result-row"]');
    const rows = (p: Page) =>
      p
        .locator('[data-testid="result-row"]')
        .evaluateAll((els) =>
          els.map((e) => [
            e.getAttribute("data-language"),
            e.getAttribute("data-model"),
            e.querySelector('[data-col="rms"]')?.getAttribute("data-value"),
          ]),
        );
    expect(await rows(fresh)).toEqual(await rows(page));
    expect(await rowCount(fresh)).toBe(4);
    await fresh.close();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="download-csv"]'),
    ]);
    const [header, ...body] = parseCsv(readFileSync(await download.path(), "utf8"));
    const shownCols = await page
      .locator('[role="columnheader"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-col")));
    expect(header.filter((h) => !h.endsWith("_lo") && !h.endsWith("_hi"))).toEqual(shownCols);
    expect(body).toHaveLength(4);
    const shown = await rows(page);
    expect(
      body.map((r) => [r[header.indexOf("language")], r[header.indexOf("model")], r[header.indexOf("rms")]]),
    ).toEqual(shown);
    const rms = body.map((r) => Number(r[header.indexOf("rms")]));
    expect([...rms].sort((a, b) => a - b)).toEqual(rms);
    for (const r of body) {
      const s = await one<{ rms: number }>(
        `SELECT s."rms" FROM "RunLanguageStats" s JOIN "Run" r ON r."id" = s."runId" JOIN "Model" m ON m."id" = r."modelId"
         WHERE m."name" = $1 AND s."languageCode" = $2 AND s."binning" = 'equal-mass' AND r."status" = 'completed'`,
        [r[header.indexOf("model")], r[header.indexOf("language")]],
      );
      expect(Number(r[header.indexOf("rms")])).toBe(s.rms);
    }
  });

  it("published rows keep the paper's digits; extra columns come from the column picker", async () => {
    await page.goto(appUrl + "/results?benchmark=GlobalMMLU&source=published&languages=sw&family=Mistral-7B");
    await page.waitForSelector('[data-testid="result-row"]');
    expect(await rowCount()).toBe(10);
    const p = await one<{ ece: string }>(
      `SELECT p."ece"::text FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
       WHERE b."name" = 'GlobalMMLU' AND p."languageCode" = 'sw' AND p."family" = 'Mistral-7B' AND p."sftDataset" = 'OpenHermes' AND p."smoothing" = 0.1`,
    );
    const cell = page
      .locator('[data-testid="result-row"][data-beta="0.1"]')
      .filter({ hasText: "OpenHermes" })
      .locator('[data-col="ece"]');
    expect(await cell.getAttribute("data-value")).toBe(p.ece);
    expect((await cell.textContent())?.trim()).toBe(p.ece);

    await page.locator("summary", { hasText: "Columns" }).click();
    await page.locator('input[name="cols"][value="mce"]').click();
    await page.waitForURL(/cols=/);
    expect(new URL(page.url()).searchParams.get("cols")?.split(",")).toContain("mce");
    await expect.poll(() => page.locator('[role="columnheader"][data-col="mce"]').count()).toBe(1);
  });

  it("an unknown column names the field", async () => {
    await page.goto(appUrl + "/results?sortBy=bogus:asc");
    await expect.poll(() => page.locator('.error[role="alert"]').textContent()).toContain('field "sortBy"');
  });
});
