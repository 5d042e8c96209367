import { readFileSync } from "node:fs";
import type { ReliabilityBin } from "../../lib/calibration/binned-errors";
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

/** A stored reliability bin (RunLanguageStats.reliability). */
type Bin = ReliabilityBin;

async function stats(model: string, lang: string, binning = "equal-width") {
  const r = await client.query<{
    ece: number;
    rms: number;
    smece: number;
    reliability: Bin[];
    runId: number;
  }>(
    `SELECT s."ece", s."rms", s."smece", s."reliability", s."runId" FROM "RunLanguageStats" s
     JOIN "Run" r ON r."id" = s."runId" JOIN "Model" m ON m."id" = r."modelId"
     WHERE m."name" = $1 AND s."languageCode" = $2 AND s."binning" = $3 AND r."status" = 'completed'`,
    [model, lang, binning],
  );
  return r.rows[0];
}

const binsOf = (lang: string, model: string) =>
  page.locator(`[data-testid="panel"][data-language="${lang}"] [data-series="${model}"] [data-testid="bin"]`);
const bin = (lang: string, model: string, b: number) =>
  page.locator(
    `[data-testid="panel"][data-language="${lang}"] [data-series="${model}"] [data-testid="bin"][data-bin="${b}"]`,
  );

beforeAll(async () => {
  session = await openE2eSession(appUrl, dbUrl);
  ({ fx, client, browser, page } = session);
});
afterAll(async () => {
  await session?.close();
});

describe("reliability /reliability", () => {
  it("draws one panel per language — all 42 GlobalMMLU languages — with the stored bins and metrics", async () => {
    await page.goto(appUrl + "/reliability?benchmark=GlobalMMLU");
    await page.waitForSelector('[data-testid="reliability"]');
    expect(fx.languages).toHaveLength(42);
    expect(await page.locator('[data-testid="panel"]').count()).toBe(42);
    // Default: the family's base and its β=0 variants, base first.
    const legend = await page
      .locator('[data-testid="legend-item"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-model")));
    expect(legend).toEqual(["Synth-1B", "Synth-1B-Alpaca-b0", "Synth-1B-OpenHermes-b0"]);

    const s = await stats("Synth-1B", "de");
    const stored = s.reliability.map((b, i) => ({ ...b, i })).filter((b) => b.count > 0);
    for (const b of stored.slice(0, 5)) {
      const el = bin("de", "Synth-1B", b.i);
      expect(Number(await el.getAttribute("data-count"))).toBe(b.count);
      expect(Number(await el.getAttribute("data-accuracy"))).toBe(b.accuracy);
      expect(Number(await el.getAttribute("data-confidence"))).toBe(b.confidence);
      expect(Number(await el.getAttribute("data-acc-lo"))).toBe(b.accLo);
      expect(Number(await el.getAttribute("data-acc-hi"))).toBe(b.accHi);
    }
    const m = page.locator(
      '[data-testid="panel"][data-language="de"] [data-testid="panel-metrics"][data-model="Synth-1B"]',
    );
    expect(Number(await m.getAttribute("data-ece"))).toBe(s.ece);
    expect(Number(await m.getAttribute("data-rms"))).toBe(s.rms);
    expect(Number(await m.getAttribute("data-smece"))).toBe(s.smece);
    expect(await m.textContent()).toContain(`ECE ${s.ece.toFixed(3)}`);
    await screenshot(page, "reliability");
  });

  it("opens from a measured heatmap cell with that model and its base", async () => {
    await page.goto(appUrl + "/?source=measured&family=Synth-1B");
    const cell = page.locator('[data-testid="cell-sw-measured:Synth-1B-Alpaca-b0.1|Alpaca|0.1"]');
    await cell.click();
    await page.waitForURL(/\/reliability\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get("languages")).toBe("sw");
    expect(url.searchParams.get("models")).toBe("Synth-1B-Alpaca-b0.1");
    await page.waitForSelector('[data-testid="reliability"]');
    expect(await page.locator('[data-testid="panel"]').count()).toBe(1);
    const legend = await page
      .locator('[data-testid="legend-item"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-model")));
    expect(legend).toEqual(["Synth-1B", "Synth-1B-Alpaca-b0.1"]);
    const t = await stats("Synth-1B-Alpaca-b0.1", "sw");
    const b = await stats("Synth-1B", "sw");
    const delta = Number(await page.locator('[data-testid="panel"]').getAttribute("data-delta-ece"));
    expect(delta).toBeCloseTo(t.ece - b.ece, 15);
    await screenshot(page, "reliability-one-language");
  });

  it("equal-mass binning and coarser bins are URL state; merged bins match the stored ones", async () => {
    await page.goto(appUrl + "/reliability?benchmark=GlobalMMLU&languages=am,de");
    await page.selectOption('select[name="binning"]', "equal-mass");
    await page.waitForURL(/binning=equal-mass/);
    await page.waitForSelector('[data-testid="panel"][data-language="am"]');
    const em = await stats("Synth-1B", "am", "equal-mass");
    const el = bin("am", "Synth-1B", 7);
    await expect.poll(() => el.getAttribute("data-count")).toBe(String(em.reliability[7].count));
    expect(Number(await el.getAttribute("data-accuracy"))).toBe(em.reliability[7].accuracy);
    // Equal-mass stats exist only for the stored count.
    expect(await page.locator('select[name="bins"] option').allTextContents()).toEqual(["15"]);

    await page.selectOption('select[name="binning"]', "equal-width");
    await page.waitForURL((u) => !u.searchParams.has("binning"));
    await page.selectOption('select[name="bins"]', "5");
    await page.waitForURL(/bins=5/);
    await expect.poll(() => binsOf("am", "Synth-1B").count()).toBeLessThanOrEqual(5);
    const ew = await stats("Synth-1B", "am");
    for (let g = 0; g < 5; g++) {
      const part = ew.reliability.slice(g * 3, g * 3 + 3);
      const count = part.reduce((s, b) => s + b.count, 0);
      if (!count) continue;
      const correct = part.reduce((s, b) => s + (b.accuracy ?? 0) * b.count, 0);
      const el5 = bin("am", "Synth-1B", g);
      expect(Number(await el5.getAttribute("data-count"))).toBe(count);
      expect(Number(await el5.getAttribute("data-accuracy"))).toBeCloseTo(correct / count, 12);
    }
    const m = page.locator(
      '[data-testid="panel"][data-language="am"] [data-testid="panel-metrics"][data-model="Synth-1B"]',
    );
    expect(await m.getAttribute("data-stored")).toBe("0");
  });

  it("sorts panels by the change in ECE and shows the smooth curve on request", async () => {
    await page.goto(appUrl + "/reliability?benchmark=GlobalMMLU");
    await page.selectOption('select[name="sortPanels"]', "dece-desc");
    await page.waitForURL(/sortPanels=dece-desc/);
    await page.waitForSelector('[data-testid="reliability"]');
    const deltas = await page
      .locator('[data-testid="panel"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-delta-ece"))));
    expect(deltas).toHaveLength(42);
    expect([...deltas].sort((a, b) => b - a)).toEqual(deltas);
    const first = await page.locator('[data-testid="panel"]').first().getAttribute("data-language");
    const t = await stats("Synth-1B-Alpaca-b0", first as string);
    const b = await stats("Synth-1B", first as string);
    expect(deltas[0]).toBeCloseTo(t.ece - b.ece, 15);

    await page.locator('input[name="smooth"]').click();
    await page.waitForURL(/smooth=on/);
    await expect.poll(() => page.locator('[data-testid="smooth-curve"]').count()).toBe(42 * 3);
  });

  it("hover shows a bin's numbers; a click opens its questions", async () => {
    await page.goto(appUrl + "/reliability?benchmark=GlobalMMLU&languages=ar");
    const s = await stats("Synth-1B", "ar");
    const i = s.reliability.findIndex((b) => b.count >= 5);
    const el = bin("ar", "Synth-1B", i);
    await el.hover();
    const tip = page.locator('[data-testid="tooltip"]');
    await expect.poll(() => tip.textContent()).toContain(`count ${s.reliability[i].count}`);
    expect(await tip.textContent()).toContain(`accuracy ${s.reliability[i].accuracy}`);
    await el.click();
    await page.waitForURL(/\/questions\?/);
    const u = new URL(page.url());
    expect(u.searchParams.get("run")).toBe(String(s.runId));
    expect(u.searchParams.get("bin")).toBe(String(i));
    expect(u.searchParams.get("languages")).toBe("ar");
  });

  it("bins are reachable from the keyboard: arrows show a bin's numbers, Enter opens its questions", async () => {
    await page.goto(appUrl + "/reliability?benchmark=GlobalMMLU&languages=ar");
    const s = await stats("Synth-1B", "ar");
    const panel = page.locator('[data-testid="panel"][data-language="ar"]');
    await panel.focus();
    // Bins in drawing order: the first series' bins first; its first non-empty bin is the first one drawn.
    const first = s.reliability.findIndex((b) => b.count > 0);
    await page.keyboard.press("ArrowRight");
    const tip = page.locator('[data-testid="tooltip"]');
    await expect.poll(() => tip.textContent()).toContain(`bin ${first + 1}/15`);
    expect(await tip.textContent()).toContain(`count ${s.reliability[first].count}`);
    expect(await tip.textContent()).toContain("Synth-1B (base)");
    await expect.poll(() => page.locator('[data-testid="bin-focus"]').count()).toBe(1);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/questions\?/);
    const u = new URL(page.url());
    expect(u.searchParams.get("bin")).toBe(String(first));
    expect(u.searchParams.get("languages")).toBe("ar");
  });

  it("copy link reproduces the exact view in a fresh page; the CSV holds the bins shown", async () => {
    await page.goto(
      appUrl + "/reliability?benchmark=GlobalMMLU&languages=he,zh&beta=0.1&sortPanels=dece-asc",
    );
    await page.waitForSelector('[data-testid="reliability"]');
    await page.click('[data-testid="copy-link"]');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(page.url());
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await fresh.goto(link);
    await fresh.waitForSelector('[data-testid="reliability"]');
    const svg = (p: Page) => p.locator('[data-testid="reliability"]').evaluate((e) => e.outerHTML);
    expect(await svg(fresh)).toBe(await svg(page));
    await fresh.close();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="download-csv"]'),
    ]);
    const rows = parseCsv(readFileSync(await download.path(), "utf8"));
    const [header, ...body] = rows;
    expect(header.slice(0, 4)).toEqual(["benchmark", "language", "model", "sft_dataset"]);
    const col = (name: string) => header.indexOf(name);
    const shown = await page.locator('[data-testid="bin"]').count();
    // Every non-empty bin shown is a CSV row (the CSV also lists empty bins, with count 0).
    expect(body.filter((r) => Number(r[col("count")]) > 0)).toHaveLength(shown);
    expect(new Set(body.map((r) => r[col("model")]))).toEqual(
      new Set(["Synth-1B", "Synth-1B-Alpaca-b0.1", "Synth-1B-OpenHermes-b0.1"]),
    );
    const s = await stats("Synth-1B-OpenHermes-b0.1", "he");
    for (const r of body.filter(
      (x) => x[col("language")] === "he" && x[col("model")] === "Synth-1B-OpenHermes-b0.1",
    )) {
      const b = s.reliability[Number(r[col("bin")])];
      expect(Number(r[col("count")])).toBe(b.count);
      if (b.count) expect(Number(r[col("accuracy")])).toBe(b.accuracy);
      expect(Number(r[col("ece")])).toBe(s.ece);
    }
  });

  it("an unavailable bin count names the field", async () => {
    await page.goto(appUrl + "/reliability?benchmark=GlobalMMLU&bins=7");
    await expect.poll(() => page.locator('.error[role="alert"]').textContent()).toContain('field "bins"');
    await page.goto(appUrl + "/reliability?benchmark=GlobalMMLU&binning=squares");
    await expect.poll(() => page.locator('.error[role="alert"]').textContent()).toContain('field "binning"');
  });

  it("says how to get data in when a benchmark has no measured runs", async () => {
    await page.goto(appUrl + "/reliability?benchmark=MMLU-ProX");
    await expect
      .poll(() => page.locator('[data-testid="empty"]').textContent())
      .toContain("npm run calib -- import");
  });
});
