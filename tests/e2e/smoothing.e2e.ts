import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { labelledSet, pairedBootstrap, pairedTTest } from "../../lib/calibration";
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

/** Per-language published values of one configuration, keyed by language. */
async function publishedByLang(
  family: string,
  sft: string,
  beta: number,
  metric: string,
): Promise<Map<string, number>> {
  const r = await client.query<{ lang: string; v: string }>(
    `SELECT p."languageCode" AS lang, p."${metric}"::text AS v FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
     WHERE b."name" = 'GlobalMMLU' AND p."languageCode" IS NOT NULL AND p."family" = $1 AND p."sftDataset" = $2 AND p."smoothing" = $3`,
    [family, sft, beta],
  );
  return new Map(r.rows.map((x) => [x.lang, Number(x.v)]));
}

function paired(a: Map<string, number>, b: Map<string, number>) {
  const xa: number[] = [];
  const xb: number[] = [];
  for (const [k, v] of a) {
    if (!b.has(k)) continue;
    xa.push(v);
    xb.push(b.get(k) as number);
  }
  return { xa, xb, mean: (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length };
}

beforeAll(async () => {
  session = await openE2eSession(appUrl, dbUrl);
  ({ fx, client, browser, page } = session);
});
afterAll(async () => {
  await session?.close();
});

describe("smoothing /smoothing", () => {
  it("rebuilds the headline table from the per-language rows: means, paired t-tests, the better value in bold", async () => {
    await page.goto(appUrl + "/smoothing?benchmark=GlobalMMLU");
    await page.waitForSelector('[data-testid="headline"]');
    expect(await page.locator('[data-testid="headline-row"][data-source="published"]').count()).toBe(9);
    expect(await page.locator('[data-testid="headline-row"][data-source="measured"]').count()).toBe(2);
    for (const [family, sft] of [
      ["Mistral-7B", "OpenHermes"],
      ["Gemma2-2B", "Alpaca"],
    ]) {
      const { xa, xb, mean } = paired(
        await publishedByLang(family, sft, 0, "ece"),
        await publishedByLang(family, sft, 0.1, "ece"),
      );
      const row = page.locator(
        `[data-testid="headline-row"][data-source="published"][data-family="${family}"][data-sft="${sft}"]`,
      );
      const a = row.locator('[data-testid="headline-cell"][data-metric="ece"][data-beta="0.0"]');
      const b = row.locator('[data-testid="headline-cell"][data-metric="ece"][data-beta="0.1"]');
      expect(Number(await a.getAttribute("data-value"))).toBeCloseTo(mean(xa), 12);
      expect(Number(await b.getAttribute("data-value"))).toBeCloseTo(mean(xb), 12);
      const t = pairedTTest(xb, xa);
      expect(Number(await b.getAttribute("data-p"))).toBeCloseTo(t.pValue, 12);
      const lowerB = mean(xb) < mean(xa);
      expect(await b.getAttribute("data-bold")).toBe(lowerB ? "1" : "0");
      expect(await a.getAttribute("data-bold")).toBe(lowerB ? "0" : "1");
      expect(await (lowerB ? b : a).locator("strong").count()).toBe(1);
      if (t.pValue < 0.05) expect(await b.locator("sup").textContent()).toMatch(/^\*{1,2}$/);
    }
    await screenshot(page, "smoothing");
  });

  it("marks each β against β = 0 in the averaged charts (paired t-test across languages)", async () => {
    await page.goto(appUrl + "/smoothing?benchmark=GlobalMMLU&family=Llama-3.1-8B&source=published");
    await page.waitForSelector('[data-testid="smoothing"]');
    const zero = await publishedByLang("Llama-3.1-8B", "Tulu3Mixture", 0, "entropy");
    for (const beta of [0.1, 0.2]) {
      const { xa, xb, mean } = paired(
        zero,
        await publishedByLang("Llama-3.1-8B", "Tulu3Mixture", beta, "entropy"),
      );
      const pt = page.locator(
        `[data-testid="smoothing-point"][data-language="avg"][data-source="published"][data-sft="Tulu3Mixture"][data-metric="entropy"][data-beta="${beta}"]`,
      );
      expect(Number(await pt.getAttribute("data-value"))).toBeCloseTo(mean(xb), 12);
      const p = pairedTTest(xb, xa).pValue;
      expect(Number(await pt.getAttribute("data-p"))).toBeCloseTo(p, 12);
      expect(await pt.getAttribute("data-sig")).toBe(p < 0.05 ? "1" : "0");
      expect(await pt.locator("text").count()).toBe(p < 0.05 ? 1 : 0);
    }
    // Only Llama rows are left, and the family filter is in the URL.
    expect(await page.locator('[data-testid="headline-row"]').count()).toBe(3);
  });

  it("the headline β pair is URL state", async () => {
    await page.goto(appUrl + "/smoothing?benchmark=GlobalMMLU");
    await page.selectOption('select[name="betaB"]', "0.2");
    await page.waitForURL(/betaB=0\.2/);
    await expect
      .poll(() => page.locator('[data-testid="headline-cell"][data-beta="0.2"]').count())
      .toBeGreaterThan(0);
    expect(await page.locator('[data-testid="headline-row"][data-source="measured"]').count()).toBe(0);
  });

  it("tests one language of measured runs with a paired bootstrap over its questions", async () => {
    await page.goto(appUrl + "/smoothing?benchmark=GlobalMMLU&source=measured&languages=de&bootstrap=on");
    await page.waitForSelector('[data-testid="smoothing"]');
    const progress = page.locator('[data-testid="bootstrap-progress"]');
    await expect.poll(() => progress.getAttribute("data-done"), { timeout: 90_000 }).toBe("2");
    expect(await progress.getAttribute("data-total")).toBe("2");
    // Recompute the same seeded bootstrap from the stored predictions.
    const a = fx.models.find((m) => m.name === "Synth-1B-Alpaca-b0")!;
    const b = fx.models.find((m) => m.name === "Synth-1B-Alpaca-b0.1")!;
    const rows = await client.query<{ pa: number[]; pb: number[]; gold: number }>(
      `SELECT a."probs" AS pa, b."probs" AS pb, q."gold" FROM "Question" q
       JOIN "Prediction" a ON a."questionId" = q."id" AND a."runId" = $1 JOIN "Prediction" b ON b."questionId" = q."id" AND b."runId" = $2
       WHERE q."languageCode" = 'de' AND q."benchmarkId" = $3 ORDER BY q."id"`,
      [a.runId, b.runId, fx.benchmarkId],
    );
    const gold = rows.rows.map((r) => r.gold);
    const expected = pairedBootstrap(
      labelledSet(
        rows.rows.map((r) => r.pb),
        gold,
      ),
      labelledSet(
        rows.rows.map((r) => r.pa),
        gold,
      ),
      {
        resamples: 200,
        seed: `smoothing/${a.runId}/${b.runId}/de`,
        binning: "equal-width",
      },
    );
    const pt = page.locator(
      '[data-testid="smoothing-point"][data-language="de"][data-source="measured"][data-sft="Alpaca"][data-metric="ece"][data-beta="0.1"]',
    );
    expect(await pt.getAttribute("data-test")).toBe("bootstrap");
    expect(Number(await pt.getAttribute("data-p"))).toBe(expected.ece!.pValue);
    // One language shown: Holm over a family of one is the raw p.
    expect(await pt.getAttribute("data-p-holm")).toBe(await pt.getAttribute("data-p"));
    const s = await client.query<{ ece: number }>(
      `SELECT "ece" FROM "RunLanguageStats" WHERE "runId" = $1 AND "languageCode" = 'de' AND "binning" = 'equal-width'`,
      [b.runId],
    );
    expect(Number(await pt.getAttribute("data-value"))).toBe(s.rows[0].ece);
    await screenshot(page, "smoothing-bootstrap");
  });

  it("Holm-adjusts the per-language bootstrap p-values within a configuration × β × metric across the languages shown", async () => {
    await page.goto(appUrl + "/smoothing?benchmark=GlobalMMLU&source=measured&languages=de,sw&bootstrap=on");
    await page.waitForSelector('[data-testid="smoothing"]');
    const progress = page.locator('[data-testid="bootstrap-progress"]');
    await expect.poll(() => progress.getAttribute("data-done"), { timeout: 90_000 }).toBe("4");
    const point = (lang: string) =>
      page.locator(`[data-testid="smoothing-point"][data-language="${lang}"][data-source="measured"][data-sft="Alpaca"][data-metric="ece"][data-beta="0.1"]`);
    const raw = await Promise.all(["de", "sw"].map(async (l) => Number(await point(l).getAttribute("data-p"))));
    const holm = await Promise.all(["de", "sw"].map(async (l) => Number(await point(l).getAttribute("data-p-holm"))));
    // Holm by hand for two tests: the smaller p × 2, the larger p × 1, kept monotone, capped at 1.
    const lo = raw[0] <= raw[1] ? 0 : 1;
    const expected = [0, 0];
    expected[lo] = Math.min(1, 2 * raw[lo]);
    expected[1 - lo] = Math.max(expected[lo], Math.min(1, raw[1 - lo]));
    expect(holm[0]).toBeCloseTo(expected[0], 12);
    expect(holm[1]).toBeCloseTo(expected[1], 12);
    for (const [i, l] of ["de", "sw"].entries())
      expect(await point(l).getAttribute("data-sig")).toBe(holm[i] < 0.05 ? "1" : "0");
  });

  it("base → tuned per language: Holm-adjusted p across each pair's languages, raw p on hover and in the CSV", async () => {
    await page.goto(appUrl + "/smoothing?benchmark=GlobalMMLU&source=measured&languages=de,sw");
    const box = page.locator('[data-testid="base-tuned"]');
    await box.waitFor();
    expect(await page.locator('[data-testid="base-tuned-holm-note"]').textContent()).toContain("Holm-adjusted across the languages");
    const rows = box.locator('[data-testid="base-tuned-row"]');
    await rows.first().waitFor(); // rows are drawn in the browser
    const count = await rows.count();
    expect(count).toBeGreaterThanOrEqual(2);
    // One language tested: its pair's family is incomplete, so the raw p shows, labelled, with what is pending.
    const first = rows.first();
    const tuned = await first.getAttribute("data-tuned");
    const family = await box.locator(`[data-testid="base-tuned-row"][data-tuned="${tuned}"]`).count();
    expect(family).toBe(2);
    await first.locator('[data-testid="base-tuned-test"]').click();
    const ece = first.locator('[data-testid="base-tuned-ece"]');
    await expect.poll(() => ece.textContent(), { timeout: 60_000 }).toMatch(/raw p=.*\(Holm: 1\/2 tested\)$/);
    expect(await ece.getAttribute("data-p-holm")).toBe("");
    // Everything tested: each cell shows the Holm p over its pair's two languages, the raw p in its title.
    await box.locator('[data-testid="base-tuned-all"]').click();
    const cells = box.locator('[data-testid="base-tuned-ece"]');
    await expect
      .poll(async () => (await cells.evaluateAll((es) => es.map((e) => e.getAttribute("data-p-holm")))).every((v) => v !== ""), { timeout: 120_000 })
      .toBe(true);
    const got = await rows.evaluateAll((rs) =>
      rs.map((r) => {
        const c = r.querySelector('[data-testid="base-tuned-ece"]')!;
        return { tuned: r.getAttribute("data-tuned")!, p: Number(c.getAttribute("data-p")), holm: Number(c.getAttribute("data-p-holm")), text: c.textContent!, title: c.getAttribute("title")! };
      }),
    );
    for (const r of got) {
      const mates = got.filter((x) => x.tuned === r.tuned);
      expect(mates).toHaveLength(2);
      // Holm with m = 2: the smaller p doubles, the larger is max(its p, the doubled smaller one); capped at 1.
      const [lo, hi] = mates.map((x) => x.p).sort((a, b) => a - b);
      const want = r.p === lo ? Math.min(1, 2 * lo) : Math.max(Math.min(1, 2 * lo), hi);
      expect(r.holm).toBeCloseTo(want, 12);
      expect(r.text).toContain(`Holm p=${r.holm.toPrecision(2)}`);
      expect(r.text.endsWith(" *")).toBe(r.holm < 0.05);
      expect(r.title).toContain(`raw p = ${r.p}`);
      expect(r.title).toContain("Holm-adjusted over 2 languages");
    }
    const [download] = await Promise.all([page.waitForEvent("download"), box.locator('[data-testid="download-csv"]').click()]);
    const [header, ...body] = parseCsv(readFileSync(await download.path(), "utf8"));
    expect(body).toHaveLength(count);
    const col = (n: string) => header.indexOf(n);
    for (const [i, r] of got.entries()) {
      expect(Number(body[i][col("ece_p_raw")])).toBe(r.p);
      expect(Number(body[i][col("ece_p_holm")])).toBe(r.holm);
      expect(body[i][col("holm_family")]).toBe("2");
    }
  });

  it("copy link reproduces the view; the CSV holds the plotted points", async () => {
    await page.goto(
      appUrl + "/smoothing?benchmark=GlobalMMLU&family=Gemma2-2B&languages=sw&source=published",
    );
    await page.waitForSelector('[data-testid="smoothing"]');
    await page.click('[data-testid="copy-link"] >> nth=0');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(page.url());
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await fresh.goto(link);
    await fresh.waitForSelector('[data-testid="smoothing"]');
    const html = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`).evaluate((e) => e.outerHTML);
    expect(await html(fresh, "smoothing")).toBe(await html(page, "smoothing"));
    expect(await html(fresh, "headline")).toBe(await html(page, "headline"));
    await fresh.close();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator('[data-testid="download-csv"]').nth(1).click(),
    ]);
    const [header, ...body] = parseCsv(readFileSync(await download.path(), "utf8"));
    const col = (n: string) => header.indexOf(n);
    const points = await page.locator('[data-testid="smoothing-point"]').count();
    expect(body.filter((r) => r[col("beta")] !== "base")).toHaveLength(points);
    const sw = body.find(
      (r) =>
        r[col("language")] === "sw" &&
        r[col("sft_dataset")] === "OpenHermes" &&
        r[col("beta")] === "0.1" &&
        r[col("metric")] === "ece",
    )!;
    const v = await client.query<{ v: string }>(
      `SELECT p."ece"::text AS v FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
       WHERE b."name" = 'GlobalMMLU' AND p."languageCode" = 'sw' AND p."family" = 'Gemma2-2B' AND p."sftDataset" = 'OpenHermes' AND p."smoothing" = 0.1`,
    );
    expect(sw[col("value")]).toBe(v.rows[0].v);
  });

  it("an invalid β names the field", async () => {
    await page.goto(appUrl + "/smoothing?betaB=lots");
    await expect.poll(() => page.locator('.error[role="alert"]').textContent()).toContain('field "betaB"');
  });
});
