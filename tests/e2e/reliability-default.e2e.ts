/**
 * Issue 15, part 6: a bare `/reliability` opens on the most informative measured comparison — a base model with
 * tuned variants, real (imported) and well-measured data first — by redirecting to the URL that names it.
 * The e2e database holds the demo (published figures, the Plaut et al. ARC-Challenge base/chat pairs: ~1.2k
 * questions each) and the measured fixture (Synth-1B and four tuned variants, 42 × 120 questions on GlobalMMLU);
 * this file adds a 4-question comparison with MORE variants than either, which must not win.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openE2eSession, type E2eSession } from "../support/e2e-session";
import { parseCsv, writeMeasuredFixture } from "../support/measured-fixture";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
let s: E2eSession;
const TINY_BENCHMARK = "FewQ-default-e2e";

beforeAll(async () => {
  s = await openE2eSession(appUrl, dbUrl);
  await writeMeasuredFixture(dbUrl, {
    benchmark: TINY_BENCHMARK,
    family: "Tiny-variants",
    languages: ["de", "sw"],
    questionsPerLanguage: 4,
    tuned: ["Alpaca", "Dolly", "OpenHermes"].map((sftDataset) => ({ sftDataset, betas: [0, 0.1] })),
    resamples: 5,
    seed: "tiny-variants",
  });
});
afterAll(async () => {
  // Other files open a bare /reliability too: leave the shared database as the fixture left it.
  await s?.client.query(`DELETE FROM "Model" WHERE "family" = 'Tiny-variants'`);
  await s?.client.query(`DELETE FROM "Benchmark" WHERE "name" = $1`, [TINY_BENCHMARK]);
  await s?.close();
});

describe("/reliability without a selection", () => {
  it("redirects (307) to the URL naming the chosen benchmark, base and variants", async () => {
    const res = await fetch(appUrl + "/reliability", { redirect: "manual" });
    expect(res.status).toBe(307);
    const to = new URL(res.headers.get("location") ?? "", appUrl);
    expect(to.pathname).toBe("/reliability");
    // The well-measured imported comparison with the most predictions: the fixture's 42 × 120 questions
    // beat Plaut's ARC pairs; one variant per SFT dataset (its smallest β) is drawn, as for a family.
    expect(to.searchParams.get("benchmark")).toBe("GlobalMMLU");
    expect(to.searchParams.get("models")).toBe("Synth-1B,Synth-1B-Alpaca-b0,Synth-1B-OpenHermes-b0");
    expect(to.searchParams.get("models")).not.toMatch(/Tiny/) // Tiny-variants, TinyGPT2-demo, Tiny-demo;
  });

  it("the browser lands on that URL and draws base and variants; display parameters survive the redirect", async () => {
    const { page } = s;
    await page.goto(appUrl + "/reliability?binning=equal-mass");
    await page.waitForSelector('[data-testid="reliability"]');
    const url = new URL(page.url());
    expect(url.searchParams.get("benchmark")).toBe("GlobalMMLU");
    expect(url.searchParams.get("models")).toBe("Synth-1B,Synth-1B-Alpaca-b0,Synth-1B-OpenHermes-b0");
    expect(url.searchParams.get("binning")).toBe("equal-mass");
    const legend = await page
      .locator('[data-testid="legend-item"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-model")));
    expect(legend).toEqual(["Synth-1B", "Synth-1B-Alpaca-b0", "Synth-1B-OpenHermes-b0"]);
    expect(await page.locator("h1").textContent()).toContain("GlobalMMLU");
  });

  it("a link that names a selection is not redirected", async () => {
    const res = await fetch(appUrl + "/reliability?benchmark=ARC-Challenge", { redirect: "manual" });
    expect(res.status).toBe(200);
    const tiny = await fetch(`${appUrl}/reliability?benchmark=${TINY_BENCHMARK}&family=Tiny-variants`, { redirect: "manual" });
    expect(tiny.status).toBe(200);
  });

  it("its data (format=csv|json) without a selection is the data of the comparison the page redirects to", async () => {
    const res = await fetch(appUrl + "/reliability?bins=5", { redirect: "manual" });
    const named = new URL(res.headers.get("location") ?? "", appUrl);
    for (const format of ["csv", "json"]) {
      const bare = await fetch(`${appUrl}/reliability?bins=5&format=${format}`);
      named.searchParams.set("format", format);
      const chosen = await fetch(named);
      expect(bare.status).toBe(200);
      expect(chosen.status).toBe(200);
      const text = await bare.text();
      expect(text).toBe(await chosen.text());
      expect(bare.headers.get("x-total-count")).toBe(chosen.headers.get("x-total-count"));
      if (format === "csv") {
        const [header, ...rows] = parseCsv(text);
        const col = (name: string) => header.indexOf(name);
        // The chosen comparison, at the display parameters given: base and variants, 5 bins, every language.
        expect(new Set(rows.map((r) => r[col("model")]))).toEqual(new Set(["Synth-1B", "Synth-1B-Alpaca-b0", "Synth-1B-OpenHermes-b0"]));
        expect(new Set(rows.map((r) => r[col("benchmark")]))).toEqual(new Set(["GlobalMMLU"]));
        expect(new Set(rows.map((r) => r[col("bins")]))).toEqual(new Set(["5"]));
        expect(new Set(rows.map((r) => r[col("language")])).size).toBe(42);
      }
    }
  });
});
