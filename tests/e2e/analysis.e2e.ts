/**
 * The analysis views of issue 14 in a browser, against the measured fixture and the seeded Plaut runs:
 * /averages, /resource-effect, /shifts, /recalibration — values as stored, URL state, click-through, exports.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { spearmanRho } from "../../lib/calibration";
import { screenshot } from "../../testkit/browser";
import { openE2eSession, type E2eSession } from "../support/e2e-session";
import type { MeasuredFixture } from "../support/measured-fixture";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
let page: Page;
let fx: MeasuredFixture;
let client: pg.Client;
let session: E2eSession;

beforeAll(async () => {
  session = await openE2eSession(appUrl, dbUrl);
  ({ fx, client, page } = session);
});
afterAll(async () => {
  await session?.close();
});

const base = () => fx.models.find((m) => m.sftDataset === null)!;
const tuned = () => fx.models.find((m) => m.sftDataset === "Alpaca" && m.smoothing === 0)!;

async function storedEce(runId: number): Promise<Map<string, number>> {
  const r = await client.query<{ lang: string; ece: number }>(
    `SELECT "languageCode" AS lang, "ece" FROM "RunLanguageStats" WHERE "runId" = $1 AND "binning" = 'equal-width'`,
    [runId],
  );
  return new Map(r.rows.map((x) => [x.lang, x.ece]));
}

describe("averages /averages", () => {
  it("shows macro and micro for measured runs and the paper's Table 2 beside its per-language mean, labelled", async () => {
    await page.goto(appUrl + "/results?benchmark=GlobalMMLU");
    await page.click('[data-testid="averages-link"] a');
    await page.waitForSelector('[data-testid="averages"]');
    expect(page.url()).toContain("/averages?benchmark=GlobalMMLU");
    expect(await page.textContent('[data-testid="averages-explanation"]')).toMatch(/Macro = mean over languages.*micro = .*pooled/);
    const ece = [...(await storedEce(base().runId)).values()];
    const macro = page.locator(`[data-testid="averages-row"][data-model="${base().name}"][data-kind="macro"] [data-metric="ece"]`);
    expect(Number(await macro.textContent())).toBeCloseTo(ece.reduce((s, v) => s + v, 0) / ece.length, 3);
    const micro = Number(await page.locator(`[data-testid="averages-row"][data-model="${base().name}"][data-kind="micro"] [data-metric="ece"]`).textContent());
    expect(micro).toBeGreaterThan(0);
    // Pooled equal-mass ECE and RMS beside the equal-width ones, labelled with their definition.
    const em = page.locator(`[data-testid="averages-row"][data-model="${base().name}"][data-kind="micro"] [data-metric="ece_em"]`);
    expect(Number(await em.textContent())).toBeGreaterThan(0);
    expect(await em.getAttribute("title")).toMatch(/predictions pooled, sorted by confidence, 15 bins of equal count/);
    expect(await page.textContent('[data-testid="averages-measured"] thead')).toContain("ECE (eq-mass)");
    const t2 = await client.query<{ ece: string }>(
      `SELECT p."ece"::text AS ece FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
       WHERE b."name" = 'GlobalMMLU' AND p."languageCode" IS NULL AND p."family" = 'Gemma2-2B' AND p."sftDataset" IS NULL`,
    );
    const cell = await page.locator('[data-testid="averages-published-row"][data-config="Gemma2-2B base"] [data-metric="ece"]').textContent();
    expect(cell!.split(" / ")[1]).toBe(Number(t2.rows[0].ece).toFixed(3));
    await screenshot(page, "averages");
  });
});

describe("resource effect /resource-effect", () => {
  it("plots Δ ECE per language against resource class with Spearman's ρ; the configuration is URL state", async () => {
    await page.goto(appUrl + "/resource-effect?benchmark=GlobalMMLU&source=measured");
    await page.waitForSelector('[data-testid="resource-effect-chart"]');
    const rows = page.locator('[data-testid="rho-row"]');
    expect(await rows.count()).toBe(fx.models.filter((m) => m.sftDataset !== null).length);
    await page.locator(`[data-testid="rho-row"] a[href*="${encodeURIComponent(`${tuned().name}|`)}"]`).click();
    await page.waitForURL(/models=/);
    expect(decodeURIComponent(page.url())).toContain(`${tuned().name}|`);
    const [t, b] = await Promise.all([storedEce(tuned().runId), storedEce(base().runId)]);
    const langs = await client.query<{ code: string; resourceClass: number }>(`SELECT "code", "resourceClass" FROM "Language" WHERE "code" = ANY($1)`, [[...t.keys()]]);
    const cls = new Map(langs.rows.map((l) => [l.code, l.resourceClass]));
    const codes = [...t.keys()].filter((c) => b.has(c));
    expect(await page.locator('[data-testid="delta-point"]').count()).toBe(codes.length);
    const rho = spearmanRho(codes.map((c) => cls.get(c)!), codes.map((c) => t.get(c)! - b.get(c)!));
    expect(await page.textContent('[data-testid="rho"]')).toContain(`ρ = ${rho.toFixed(3)}`);
    expect(await page.locator('[data-testid="p-holm"]').first().getAttribute("title")).toMatch(/^raw p = /);
    await screenshot(page, "resource-effect");
  });
});

describe("shifts /shifts", () => {
  it("counts flips as stored, and a point opens its question", async () => {
    await page.goto(appUrl + `/shifts?benchmark=GlobalMMLU&models=${encodeURIComponent(tuned().name)}&languages=sw&cw=0.8`);
    await page.waitForSelector('[data-testid="shifts-chart"]');
    const r = await client.query<{ n: number; r2w: number; w2r: number; gained: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE b."correct" AND NOT t."correct")::int AS r2w,
              count(*) FILTER (WHERE NOT b."correct" AND t."correct")::int AS w2r,
              count(*) FILTER (WHERE NOT t."correct" AND t."confidence" >= 0.8 AND NOT (NOT b."correct" AND b."confidence" >= 0.8))::int AS gained
       FROM "Prediction" t JOIN "Prediction" b ON b."questionId" = t."questionId" AND b."runId" = $2
       JOIN "Question" q ON q."id" = t."questionId" WHERE t."runId" = $1 AND q."languageCode" = 'sw'`,
      [tuned().runId, base().runId],
    );
    const count = (k: string) => page.textContent(`[data-testid="shift-counts"] [data-count="${k}"]`).then(Number);
    expect(await count("n")).toBe(r.rows[0].n);
    expect(await count("right-to-wrong")).toBe(r.rows[0].r2w);
    expect(await count("wrong-to-right")).toBe(r.rows[0].w2r);
    expect(await count("cw-gained")).toBe(r.rows[0].gained);
    expect(await page.locator('[data-testid="shift-point"]').count()).toBe(r.rows[0].n);
    await screenshot(page, "shifts");
    const href = await page.locator('[data-testid="shift-point"]').first().getAttribute("href");
    expect(href).toMatch(/^\/questions\/\d+$/);
    await page.locator('[data-testid="shift-point"] circle').first().click({ force: true });
    await page.waitForURL(/\/questions\/\d+/);
  });
});

describe("recalibration /recalibration", () => {
  it("shows out-of-sample ECE before / after the three fits per language, grouped by resource class", async () => {
    await client.query(`DELETE FROM "RecalibrationResult" WHERE "runId" = $1`, [tuned().runId]); // a reused database may hold it
    // not computed yet: the page answers at once with "computing…" and replaces it by the table by itself
    await page.goto(appUrl + `/recalibration?benchmark=GlobalMMLU&models=${encodeURIComponent(tuned().name)}`);
    expect(await page.locator('[data-testid="recal-pending"]').count()).toBe(1);
    expect(await page.locator('[data-testid="recal-table"]').count()).toBe(0);
    await page.waitForSelector('[data-testid="recal-table"]', { timeout: 60_000 });
    expect(await page.locator('[data-testid="recal-pending"]').count()).toBe(0);
    const stored = await storedEce(tuned().runId);
    expect(await page.locator('[data-testid="recal-row"]').count()).toBe(stored.size);
    const sw = await page.textContent('[data-testid="recal-row"][data-language="sw"] [data-col="before"]');
    expect(Number(sw!.split(" ")[0])).toBeCloseTo(stored.get("sw")!, 3);
    expect(await page.textContent('[data-testid="temperatures"]')).toMatch(/english T = \d/);
    expect(await page.locator('[data-testid="recal-class"]').count()).toBeGreaterThan(1);
    // reliability overlay of one language (URL state): before and the three fits
    await page.goto(appUrl + `/recalibration?benchmark=GlobalMMLU&models=${encodeURIComponent(tuned().name)}&languages=sw`);
    await page.waitForSelector('[data-testid="recal-reliability"][data-language="sw"]', { timeout: 60_000 });
    expect(await page.locator('[data-testid="overlay-series"]').count()).toBe(4);
    await screenshot(page, "recalibration");
    await page.selectOption('[data-testid="recal-method"]', "isotonic");
    await page.click('[data-testid="recal-form"] button[type="submit"]');
    await page.waitForURL(/method=isotonic/);
    await page.waitForSelector('[data-testid="recal-table"]', { timeout: 60_000 });
    expect(await page.locator('[data-testid="temperatures"]').count()).toBe(0);
  });
  it("works on top-label runs (Plaut et al. ARC, English only)", async () => {
    const bench = await client.query<{ name: string }>(`SELECT b."name" FROM "Benchmark" b JOIN "Run" r ON r."benchmarkId" = b."id" JOIN "Model" m ON m."id" = r."modelId" WHERE m."name" = 'Mistral-7B-Instruct' LIMIT 1`);
    await page.goto(appUrl + `/recalibration?benchmark=${encodeURIComponent(bench.rows[0].name)}&models=Mistral-7B-Instruct`);
    await page.waitForSelector('[data-testid="recal-table"]', { timeout: 60_000 });
    expect(await page.textContent("main")).toContain("binary NLL of the confidence");
    const own = await page.textContent('[data-testid="recal-row"][data-language="en"] [data-col="per-language"]');
    expect(Number(own!.split(" ")[0])).toBeLessThan(0.1); // the chat model's ECE 0.278 falls after temperature scaling
  });
});
