/**
 * Slices in the browser (issue 14 part 1): the slice control changes what the heatmap draws (to the stored
 * per-slice value), the n of each slice is shown, a slice below MIN_SLICE_N is refused with its n, and the link and
 * the CSV twin carry the slice.
 */
import { screenshot } from "../../testkit/browser";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { openE2eSession, type E2eSession } from "../support/e2e-session";
import { importFiles } from "../../lib/import/import-files";
import { Rng } from "../../lib/calibration";
import { MIN_SLICE_N } from "../../lib/slices/slice";
import { tempFile } from "../support/import-helpers";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
let session: E2eSession;
let client: pg.Client;
let browser: Browser;
let page: Page;
let runId: number;

const BENCH = "Slice-E2E";
const MODEL = "Slicer-1B";

/** Per language: STEM 150, Humanities 150 questions; CS every tenth question (30, below MIN_SLICE_N), else CA. */
function rows(): string {
  const rng = new Rng("slices-e2e");
  const out: string[] = [];
  for (const language of ["sw", "yo"])
    for (const category of ["STEM", "Humanities"])
      for (let i = 0; i < 150; i++) {
        // STEM over-confident, Humanities less so: the slices' ECE differ from the language's.
        const sharp = category === "STEM" ? 3 : 1;
        const e = Array.from({ length: 4 }, () => Math.exp(sharp * rng.nextNormal()));
        const s = e.reduce((a, b) => a + b);
        out.push(JSON.stringify({ id: `${category}/${i}`, language, probs: e.map((x) => x / s), label: rng.nextInt(4), subject_category: category, cultural_sensitivity_label: i % 10 === 0 ? "CS" : "CA" }));
      }
  return out.join("\n") + "\n";
}

async function stored(table: "RunLanguageStats" | "RunSliceStats", lang: string, slice?: string): Promise<{ ece: number; n: number }> {
  const r = await client.query<{ ece: number; n: number }>(
    `SELECT "ece", "n" FROM "${table}" WHERE "runId" = $1 AND "languageCode" = $2 AND "binning" = 'equal-width'${slice ? ` AND "slice" = $3` : ""}`,
    slice ? [runId, lang, slice] : [runId, lang],
  );
  return r.rows[0];
}

beforeAll(async () => {
  session = await openE2eSession(appUrl, dbUrl);
  ({ client, browser, page } = session);
  void browser;
  const pool = new pg.Pool({ connectionString: dbUrl, max: 1 });
  try {
    runId = (await importFiles({ db: pool, files: [tempFile("slices-e2e.jsonl", rows())], model: MODEL, benchmark: BENCH })).runId;
  } finally {
    await pool.end();
  }
});
afterAll(async () => {
  await session?.close();
});

const cell = (lang: string) => page.locator(`[data-testid="cell-${lang}-measured:${MODEL}||"]`);

describe("slices", () => {
  it("the slice control changes the heatmap to the slice's stored values, with n per slice in the options", async () => {
    await page.goto(`${appUrl}/?benchmark=${BENCH}`);
    await page.waitForSelector('[data-testid="heatmap"]');
    const all = await stored("RunLanguageStats", "sw");
    expect(await cell("sw").locator("text").textContent()).toBe(all.ece.toFixed(3));
    const options = await page.locator('[data-testid="slice-filter"] select[name="slice"] option').allTextContents();
    expect(options).toEqual(["all questions", "culturally agnostic (CA) (n = 270)", "category Humanities (n = 150)", "category STEM (n = 150)", "culturally sensitive (CS) (n = 30)"]);

    await page.locator('[data-testid="slice-filter"] select[name="slice"]').selectOption("category:STEM");
    await page.waitForURL(/slice=category%3ASTEM/);
    const stem = await stored("RunSliceStats", "sw", "category:STEM");
    expect(stem.n).toBe(150);
    expect(stem.ece.toFixed(3)).not.toBe(all.ece.toFixed(3));
    await expect.poll(() => cell("sw").locator("text").textContent()).toBe(stem.ece.toFixed(3));
    expect(await page.locator('[data-testid="slice-notice"]').textContent()).toContain("category STEM");
    // n per cell in its tooltip
    await cell("sw").hover();
    await expect.poll(() => page.locator('[data-testid="tooltip"]').textContent()).toContain("n = 150");
    await screenshot(page, "heatmap-slice");
  });

  it("refuses a slice below the minimum n, naming model, language and n, and draws nothing for it", async () => {
    await page.goto(`${appUrl}/?benchmark=${BENCH}&slice=CS`);
    const refused = page.locator('[data-testid="slice-refused"]');
    await expect.poll(() => refused.textContent()).toContain(`fewer than ${MIN_SLICE_N} questions`);
    const text = (await refused.textContent()) ?? "";
    expect(text).toContain(`${MODEL} · sw (n = 30)`);
    expect(text).toContain(`${MODEL} · yo (n = 30)`);
    expect(await cell("sw").count()).toBe(0);
  });

  it("reliability panels and the results table follow the slice; the CSV twin carries it", async () => {
    await page.goto(`${appUrl}/reliability?benchmark=${BENCH}&models=${MODEL}&languages=sw&slice=category:Humanities`);
    await page.waitForSelector('[data-testid="reliability"]');
    expect(await page.locator('[data-testid="panel"]').first().textContent()).toContain("150");
    const res = await fetch(`${appUrl}/results?benchmark=${BENCH}&cols=language,model,n,ece&slice=category:STEM&format=csv`);
    expect(res.status).toBe(200);
    const csv = await res.text();
    const [header, ...lines] = csv.trim().split("\n");
    expect(header.split(",").at(-1)).toBe("slice");
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith(",category:STEM"))).toBe(true);
    const bad = await fetch(`${appUrl}/?benchmark=${BENCH}&slice=nonsense&format=csv`);
    expect(bad.status).toBe(400);
  });
});
