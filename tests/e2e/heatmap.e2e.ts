import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshot } from "../../testkit/browser";

let browser: Browser;
let page: Page;
const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");

async function published(benchmark: string, lang: string, family: string, sft: string | null, beta: number | null, metric: string) {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT p."${metric}"::text AS v FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
       WHERE b."name" = $1 AND p."languageCode" = $2 AND p."family" = $3
         AND p."sftDataset" IS NOT DISTINCT FROM $4 AND p."smoothing" IS NOT DISTINCT FROM $5`,
      [benchmark, lang, family, sft, beta],
    );
    return Number(r.rows[0].v);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
});

describe("heatmap /", () => {
  it("shows all 42 GlobalMMLU languages with the paper's ECE", async () => {
    await page.goto(appUrl + "/");
    await page.waitForSelector('[data-testid="heatmap"]');
    const rows = await page.locator('[data-testid^="row-"]').count();
    expect(rows).toBe(42);
    const cell = page.locator('[data-testid="cell-am-published:Gemma2-2B||"]');
    expect(Number(await cell.getAttribute("data-value"))).toBe(await published("GlobalMMLU", "am", "Gemma2-2B", null, null, "ece"));
    expect(await cell.locator("text").textContent()).toBe("0.071");
    await screenshot(page, "heatmap-ece");
  });

  it("changing the metric updates the URL and the rendered values", async () => {
    await page.goto(appUrl + "/");
    await page.selectOption('select[name="metric"]', "rms");
    await page.waitForURL(/metric=rms/);
    expect(new URL(page.url()).searchParams.get("metric")).toBe("rms");
    const cell = page.locator('[data-testid="cell-sw-published:Mistral-7B|OpenHermes|0.1"]');
    await cell.waitFor();
    const expected = await published("GlobalMMLU", "sw", "Mistral-7B", "OpenHermes", 0.1, "rms");
    expect(Number(await cell.getAttribute("data-value"))).toBe(expected);
    expect(await cell.locator("text").textContent()).toBe(expected.toFixed(3));
    // Hover shows the exact value.
    await cell.hover();
    await expect.poll(() => page.locator('[data-testid="tooltip"]').textContent()).toContain(String(expected));
    await screenshot(page, "heatmap-rms-hover");
  });

  it("MMLU-ProX has 29 languages; Δ-from-base and filters live in the URL", async () => {
    await page.goto(appUrl + "/?benchmark=MMLU-ProX&mode=delta-base&family=Llama-3.1-8B");
    await page.waitForSelector('[data-testid="heatmap"]');
    expect(await page.locator('[data-testid^="row-"]').count()).toBe(29);
    const cell = page.locator('[data-testid="cell-zu-published:Llama-3.1-8B|Tulu3Mixture|0.2"]');
    const tuned = await published("MMLU-ProX", "zu", "Llama-3.1-8B", "Tulu3Mixture", 0.2, "ece");
    const base = await published("MMLU-ProX", "zu", "Llama-3.1-8B", null, null, "ece");
    expect(Number(await cell.getAttribute("data-value"))).toBeCloseTo(tuned - base, 12);
    const labels = await page
      .locator('[data-testid="column-label"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-label") ?? ""));
    expect(labels.every((l) => l.includes("Llama-3.1-8B"))).toBe(true);
    expect(labels).toHaveLength(9);
  });

  it("an invalid parameter names the field", async () => {
    await page.goto(appUrl + "/?metric=bogus");
    await expect.poll(() => page.locator('.error[role="alert"]').textContent()).toContain('field "metric"');
  });
});
