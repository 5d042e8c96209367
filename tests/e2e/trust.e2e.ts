/**
 * Issue 16 ("views a researcher can trust at first sight"): each check here would have caught one of the
 * misleading things found by trying the views — Δ colours against their legend, "β=" for models without β,
 * cut headers in exports, few-question cells, mixed result groups, question pages, /runs console errors,
 * status codes, contrast, float artefacts.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ConsoleMessage, Page } from "playwright-core";
import { openE2eSession, type E2eSession } from "../support/e2e-session";
import { parseCsv, writeMeasuredFixture } from "../support/measured-fixture";
import { contrastRatio, parseColor } from "../../lib/charts/contrast";
import { decimalDifference } from "@/lib/format";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
let s: E2eSession;
let page: Page;

beforeAll(async () => {
  s = await openE2eSession(appUrl, dbUrl);
  page = s.page;
  // A benchmark with one model measured on 60 questions per language and one on 4 (like the demo's model).
  await writeMeasuredFixture(dbUrl, { benchmark: "FewQ-e2e", family: "Big-1B", languages: ["de", "sw"], questionsPerLanguage: 60, tuned: [], resamples: 5 });
  await writeMeasuredFixture(dbUrl, { benchmark: "FewQ-e2e", family: "Tiny-demo", languages: ["de", "sw"], questionsPerLanguage: 4, tuned: [], resamples: 5, seed: "tiny" });
});
afterAll(async () => s?.close());

/** Every drawn heatmap cell: its Δ value, the rendered fill of its rect and text. */
async function renderedCells(p: Page) {
  await p.waitForSelector('[data-testid="heatmap"]');
  return p.$$eval('[data-testid^="cell-"]', (els) =>
    els.map((g) => ({
      id: g.getAttribute("data-testid")!,
      value: Number(g.getAttribute("data-value")),
      text: g.getAttribute("data-text")!,
      n: g.getAttribute("data-n"),
      fill: getComputedStyle(g.querySelector("rect")!).fill,
      color: getComputedStyle(g.querySelector("text")!).fill,
    })),
  );
}

describe("heatmap colours follow each metric's better direction", () => {
  for (const mode of ["delta-base", "delta-beta"])
    for (const metric of ["ece", "rms", "accuracy"]) {
      it(`${mode} ${metric}: purple = better, orange = worse, legend 'better ← → worse'`, async () => {
        await page.goto(`${appUrl}/?mode=${mode}&metric=${metric}`);
        const cells = await renderedCells(page);
        expect(cells.length).toBeGreaterThan(50);
        const max = Math.max(...cells.map((c) => Math.abs(c.value)));
        let checked = 0;
        for (const c of cells) {
          if (Math.abs(c.value) < 0.15 * max) continue; // near 0 the scale is white-ish by design
          const [r, , b] = parseColor(c.fill);
          const better = metric === "accuracy" ? c.value > 0 : c.value < 0;
          expect(b > r, `${c.id} Δ=${c.value} fill ${c.fill}`).toBe(better);
          checked++;
        }
        expect(checked).toBeGreaterThan(10);
        expect(await page.locator('[data-testid="legend-direction"]').textContent()).toBe("better ← → worse");
      });
    }

  it("entropy has no better direction: lower ← → higher", async () => {
    await page.goto(`${appUrl}/?mode=delta-base&metric=entropy`);
    await page.waitForSelector('[data-testid="heatmap"]');
    expect(await page.locator('[data-testid="legend-direction"]').textContent()).toBe("lower ← → higher");
  });
});

describe("cell text contrast, computed from the rendered colours", () => {
  for (const q of ["", "?metric=accuracy", "?mode=delta-base", "?metric=entropy"])
    it(`every cell of /${q} reaches 4.5:1`, async () => {
      await page.goto(`${appUrl}/${q}`);
      const cells = await renderedCells(page);
      expect(cells.length).toBeGreaterThan(100);
      const failing = cells.filter((c) => contrastRatio(c.fill, c.color) < 4.5);
      expect(failing.map((c) => `${c.id} ${c.fill}/${c.color}`)).toEqual([]);
    });

  it("every cell, published ones included, is reachable by keyboard and shows its value", async () => {
    await page.goto(`${appUrl}/?family=Gemma2-2B`);
    await page.waitForSelector('[data-testid="heatmap"]');
    const cell = page.locator('[data-testid="cell-am-published:Gemma2-2B||"]');
    await cell.focus();
    await expect.poll(() => page.locator('[data-testid="tooltip"]').textContent()).toContain("Amharic");
  });
});

describe("headers: two levels, never cut, in the exported SVG too", () => {
  it("the SVG export holds the caption, every family and full configuration labels, all inside the figure", async () => {
    await page.goto(`${appUrl}/?mode=delta-base`);
    await page.waitForSelector('[data-testid="heatmap"]');
    // Every rotated label lies inside the SVG (nothing clipped at the top or the right).
    const out = await page.$$eval('[data-testid="column-label"]', (els) => {
      const svg = document.querySelector('[data-testid="heatmap"]')!.getBoundingClientRect();
      return els
        .map((e) => ({ t: e.textContent, b: e.getBoundingClientRect() }))
        .filter(({ b }) => b.top < svg.top - 0.5 || b.right > svg.right + 0.5 || b.left < svg.left - 0.5)
        .map(({ t }) => t);
    });
    expect(out).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="download-svg"]')]);
    const svg = readFileSync(await download.path(), "utf8");
    for (const text of ["GlobalMMLU", "Δ from the base model", "15 equal-width bins", "Huang et al.", "Mistral-7B", "Gemma2-2B", "OpenHermes β=0.1", "Alpaca β=0.2", "better ← → worse"])
      expect(svg, text).toContain(text);
    expect(svg).toContain("<title>Δ Mistral-7B · OpenHermes β=0.1");
    expect(svg).not.toMatch(/β=</);
    expect(await overflow(svg)).toEqual({ right: 0, bottom: 0 });
  });

  it("the reliability export has a caption and nothing drawn outside it; paper presets keep vector text", async () => {
    await page.goto(`${appUrl}/reliability?family=Synth-1B`);
    await page.waitForSelector('[data-testid="panel"]');
    await page.selectOption('select[name="export-preset"]', "double");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="download-svg"]')]);
    const svg = readFileSync(await download.path(), "utf8");
    expect(svg).toMatch(/width="180mm"/);
    expect(svg).toContain("GlobalMMLU: reliability diagrams — measured runs, equal-width binning, 15 bins");
    expect(svg).toContain("Models: Synth-1B (base)");
    expect(svg).toMatch(/<text[^>]*>[^<]*ECE/);
    expect(await overflow(svg)).toEqual({ right: 0, bottom: 0 });
  });
});

/** How far what an exported SVG draws reaches beyond its viewBox (0, 0 when nothing is clipped). */
async function overflow(svgText: string): Promise<{ right: number; bottom: number }> {
  const p = await s.context.newPage();
  try {
    await p.setContent(`<!doctype html><body style="margin:0">${svgText}</body>`);
    return await p.$eval("svg", (el) => {
      const svg = el as SVGSVGElement;
      const vb = svg.viewBox.baseVal;
      const b = svg.getBBox();
      return { right: Math.max(0, Math.ceil(b.x + b.width - vb.width)), bottom: Math.max(0, Math.ceil(b.y + b.height - vb.height)) };
    });
  } finally {
    await p.close();
  }
}

describe("tuned models with no β recorded (Plaut et al. chat models)", () => {
  it("are labelled by their SFT dataset on the heatmap, and out of ?beta=base", async () => {
    await page.goto(`${appUrl}/?benchmark=ARC-Challenge`);
    await page.waitForSelector('[data-testid="heatmap"]');
    const labels = await page.locator('[data-testid="column-label"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-label")));
    expect(labels).toContain("Yi-6B-Chat · chat");
    expect(labels.join("|")).not.toContain("β");
    expect(await page.locator('[data-testid="heatmap-subtitle"]').textContent()).toContain("publishes no figures");
    await page.goto(`${appUrl}/?benchmark=ARC-Challenge&beta=base`);
    await page.waitForSelector('[data-testid="heatmap"]');
    const base = await page.locator('[data-testid="column-label"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-label")));
    expect(base.sort()).toEqual(["Llama-3.1-8B · base", "Mistral-7B · base", "Yi-6B · base"]);
  });

  it("have no β checkbox on /reliability and no β step on /smoothing; tables print no 'β='", async () => {
    await page.goto(`${appUrl}/reliability?benchmark=ARC-Challenge&models=Yi-6B-Chat`);
    await page.waitForSelector('[data-testid="panel"]');
    expect(await page.locator('input[name="beta"]').count()).toBe(0);
    expect(await page.locator('[data-series="Yi-6B-Chat"]').first().getAttribute("data-label")).toBe("Yi-6B-Chat (chat)");
    await page.goto(`${appUrl}/smoothing?benchmark=ARC-Challenge`);
    await page.waitForSelector('[data-testid="base-tuned"]');
    expect(await page.locator('[data-testid="smoothing-point"]').count()).toBe(0);
    expect(await page.locator("body").textContent()).not.toContain("β=chat");
    await page.goto(`${appUrl}/runs`);
    await page.waitForSelector('[data-testid="run-row"]');
    expect(await page.locator("table").first().textContent()).not.toMatch(/β=(\s|·|$)/);
  });
});

describe("base → tuned significance per language", () => {
  it("/smoothing offers the paired bootstrap for measured base vs tuned runs", async () => {
    await page.goto(`${appUrl}/smoothing?benchmark=ARC-Challenge`);
    const rows = page.locator('[data-testid="base-tuned-row"]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    const row = page.locator('[data-testid="base-tuned-row"][data-tuned="Yi-6B-Chat"]');
    await row.locator('[data-testid="base-tuned-test"]').click();
    await expect.poll(() => row.locator('[data-testid="base-tuned-ece"]').textContent(), { timeout: 60_000 }).toMatch(/^[+-]?\d\.\d{3} \[.*\] (Holm|raw) p=/);
    const p = Number(await row.locator('[data-testid="base-tuned-ece"]').getAttribute("data-p"));
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
  });

  it("/reliability offers it for the tuned model drawn, and says plainly when there is nothing to compare", async () => {
    await page.goto(`${appUrl}/reliability?benchmark=ARC-Challenge&models=Mistral-7B-Instruct`);
    await page.locator('[data-testid="base-tuned-row"]').first().waitFor();
    expect(await page.locator('[data-testid="base-tuned-row"]').count()).toBe(1);
    await page.goto(`${appUrl}/reliability?benchmark=ARC-Challenge&models=Mistral-7B`);
    await expect.poll(() => page.locator('[data-testid="base-tuned-empty"]').textContent()).toContain("Nothing to compare");
  });
});

describe("few questions", () => {
  it("a 4-question model is badged with n, flagged per cell, and does not stretch the colour scale", async () => {
    await page.goto(`${appUrl}/?benchmark=FewQ-e2e`);
    const cells = await renderedCells(page);
    const tiny = cells.filter((c) => c.n === "4");
    const big = cells.filter((c) => c.n === "60");
    expect(tiny.length).toBe(2);
    expect(big.length).toBe(2);
    const labels = await page.locator('[data-testid="column-label"]').allTextContents();
    expect(labels.some((l) => l.includes("(n = 4)"))).toBe(true);
    // The colour scale spans the well-measured cells only: their extremes take the scale's two end colours.
    const lo = big.reduce((a, b) => (a.value < b.value ? a : b));
    const hi = big.reduce((a, b) => (a.value > b.value ? a : b));
    const ends = [lo.fill, hi.fill];
    expect(new Set(ends).size).toBe(2);
    await page.locator(`[data-testid="${tiny[0].id}"]`).hover();
    await expect.poll(() => page.locator('[data-testid="tooltip"]').textContent()).toContain("n = 4 questions — few questions");
    await page.goto(`${appUrl}/reliability?benchmark=FewQ-e2e&family=Tiny-demo`);
    await expect.poll(() => page.locator('[data-testid="panel-n"]').first().textContent()).toContain("n = 4 ⚠ few questions");
  });
});

describe("published Δ in decimal, no float artefacts", () => {
  it("the Δ CSV holds the exact decimal differences of the published figures", async () => {
    await page.goto(`${appUrl}/?mode=delta-base&family=Mistral-7B`);
    await page.waitForSelector('[data-testid="heatmap"]');
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="download-csv"]')]);
    const [header, ...rows] = parseCsv(readFileSync(await download.path(), "utf8"));
    const col = header.indexOf("Δ Mistral-7B · OpenHermes β=0.1");
    expect(col).toBeGreaterThan(0);
    const r = await s.client.query<{ lang: string; t: string; b: string }>(
      `SELECT t."languageCode" AS lang, t."ece"::text AS t, b."ece"::text AS b
       FROM "PublishedResult" t JOIN "PublishedResult" b USING ("benchmarkId", "languageCode", "family")
       JOIN "Benchmark" x ON x."id" = t."benchmarkId"
       WHERE x."name" = 'GlobalMMLU' AND t."family" = 'Mistral-7B' AND t."sftDataset" = 'OpenHermes' AND t."smoothing" = 0.1
         AND b."sftDataset" IS NULL AND t."languageCode" IS NOT NULL`,
    );
    expect(r.rows.length).toBeGreaterThan(20);
    for (const x of r.rows) {
      const row = rows.find((y) => y[0] === x.lang)!;
      expect(row[col]).toBe(decimalDifference(x.t, x.b));
      expect(row[col]).toMatch(/^-?\d+(\.\d{1,6})?$/);
    }
  });

  it("tooltips of measured cells show no float artefacts", async () => {
    await page.goto(`${appUrl}/?source=measured&metric=accuracy`);
    const cells = await renderedCells(page);
    for (const c of cells) expect(c.text.replace(/^-/, "").replace(/^0\./, "").length, c.text).toBeLessThanOrEqual(16);
  });
});

describe("results grouping never mixes sources silently", () => {
  it("a group of published and measured rows says so, and shows no first-row values", async () => {
    await page.goto(`${appUrl}/results?group=language`);
    const group = page.locator('[data-testid="group-row"]').first();
    await group.waitFor();
    expect(await group.locator('[data-testid="mixed-sources"]').textContent()).toBe("measured + published");
    expect(await group.locator('[data-col="model"]').getAttribute("data-value")).toBe("");
    expect(await group.locator('[data-col="model"]').getAttribute("title")).toBe("values differ within the group");
  });
});

describe("question pages", () => {
  it("a correct top-label prediction reveals the gold option, shown as inferred", async () => {
    const r = await s.client.query<{ id: number; predicted: number }>(
      `SELECT q."id", p."predicted" FROM "Question" q JOIN "Prediction" p ON p."questionId" = q."id"
       JOIN "Benchmark" b ON b."id" = q."benchmarkId" WHERE b."name" = 'ARC-Challenge' AND q."gold" IS NULL AND p."correct" LIMIT 1`,
    );
    await page.goto(`${appUrl}/questions/${r.rows[0].id}`);
    const gold = await page.locator('[data-testid="gold"]').textContent();
    expect(gold).toContain("inferred");
    expect(gold).not.toContain("unknown");
    expect(gold).toContain(`option ${r.rows[0].predicted + 1}`);
  });

  it("bin lists: link text is the id it opens; 'back' keeps smoothing and every model", async () => {
    const m = s.fx.models.find((x) => x.sftDataset !== null)!;
    const base = s.fx.models.find((x) => x.sftDataset === null)!;
    const lang = s.fx.languages[0];
    const url = `${appUrl}/questions?benchmark=GlobalMMLU&languages=${lang}&run=${m.runId}&bin=12&models=${encodeURIComponent(`${base.name},${m.name}`)}&smooth=on`;
    await page.goto(url);
    const links = await page.locator('[data-testid="question-link"]').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute("href")]));
    for (const [text, href] of links) expect(href).toBe(`/questions/${text}`);
    const back = new URL((await page.locator('[data-testid="back-to-reliability"]').getAttribute("href"))!, appUrl);
    expect(back.searchParams.get("smooth")).toBe("on");
    expect(back.searchParams.get("models")?.split(",").sort()).toEqual([base.name, m.name].sort());
  });
});

describe("status codes", () => {
  it("unknown question → 404, invalid links → 400, both with the friendly page", async () => {
    let res = await page.goto(`${appUrl}/questions/987654321`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('[data-testid="empty"]').textContent()).toContain("No such question");
    expect(await page.locator(".topbar").count()).toBe(1);
    res = await page.goto(`${appUrl}/questions/abc`);
    expect(res?.status()).toBe(400);
    expect(await page.locator('.error[role="alert"]').textContent()).toContain('field "id"');
    for (const path of ["/?metric=bogus", "/smoothing?beta=7", "/reliability?bins=x", "/results?sortBy=%3B", "/runs?page=0"]) {
      res = await page.goto(appUrl + path);
      expect(res?.status(), path).toBe(400);
      expect(await page.locator('.error[role="alert"]').textContent(), path).toContain("Invalid link.");
    }
    res = await page.goto(`${appUrl}/?metric=rms`);
    expect(res?.status()).toBe(200);
  });
});

describe("no console errors on any page", () => {
  it("every page (hydration #418 on /runs, favicon 404 included) logs no error", async () => {
    const errors: string[] = [];
    const onConsole = (m: ConsoleMessage) => {
      if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`);
    };
    const onError = (e: Error) => errors.push(`${page.url()}: ${e.message}`);
    page.on("console", onConsole);
    page.on("pageerror", onError);
    try {
      for (const path of ["/", "/?benchmark=ARC-Challenge", "/reliability", "/smoothing", "/smoothing?benchmark=ARC-Challenge", "/results", "/runs", `/questions/${(await s.client.query(`SELECT min("id") AS id FROM "Question"`)).rows[0].id}`]) {
        await page.goto(appUrl + path, { waitUntil: "networkidle" });
        await page.waitForTimeout(300);
      }
    } finally {
      page.off("console", onConsole);
      page.off("pageerror", onError);
    }
    expect(errors).toEqual([]);
  });

  it("/runs shows the mean rate since start and explains the renormalised method", async () => {
    // A running run 600 s in with 60 questions done: 0.1 q/s, whatever a split's latest reading (12.5) says.
    const id = s.fx.runningRunId!;
    await s.client.query(`UPDATE "Run" SET "startedAt" = now() - interval '600 seconds', "progressDone" = 60 WHERE "id" = $1`, [id]);
    await page.goto(`${appUrl}/runs`);
    await page.waitForSelector('[data-testid="run-row"]');
    expect(await page.locator("body").textContent()).toContain("renormalised over the options by the file format");
    await expect
      .poll(() => page.locator(`[data-testid="run-row"][data-run="${id}"] [data-testid="run-rate"]`).textContent())
      .toMatch(/^0\.1 q\/s \(mean since start\)/);
  });
});

describe("data out: the view's URL with format=csv|json", () => {
  it("answers the heatmap's tidy table, exact values, paginated, without paths", async () => {
    const res = await fetch(`${appUrl}/?metric=rms&family=Mistral-7B&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(["benchmark", "metric", "mode", "language", "language_name", "resource_class", "source", "family", "model", "sft_dataset", "beta", "column", "value", "n", "run_id"]);
    const sw = rows.find((r) => r[3] === "sw" && r[9] === "OpenHermes" && r[10] === "0.1")!;
    const db = await s.client.query<{ v: string }>(
      `SELECT p."rms"::text AS v FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
       WHERE b."name" = 'GlobalMMLU' AND p."languageCode" = 'sw' AND p."family" = 'Mistral-7B' AND p."sftDataset" = 'OpenHermes' AND p."smoothing" = 0.1`,
    );
    expect(sw[12]).toBe(db.rows[0].v);
    expect(rows.every((r) => r.every((v) => !v.startsWith("/")))).toBe(true);
    const page1 = await (await fetch(`${appUrl}/?metric=rms&family=Mistral-7B&format=json&limit=5`)).json();
    expect(page1.rows).toHaveLength(5);
    expect(page1.total).toBe(rows.length);
    const page2 = await (await fetch(appUrl + page1.next)).json();
    expect(page2.offset).toBe(5);
    expect(page2.rows[0]).not.toEqual(page1.rows[0]);
    const bad = await fetch(`${appUrl}/?format=csv&metric=bogus`);
    expect(bad.status).toBe(400);
  });

  it("answers the results table's rows with the columns it shows, exact published text and measured intervals", async () => {
    const res = await fetch(`${appUrl}/results?languages=sw&cols=source,language,model,beta,ece&format=csv`);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(["source", "language", "model", "beta", "ece", "ece_lo", "ece_hi"]);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r[1] === "sw")).toBe(true);
    const pub = rows.find((r) => r[0] === "published" && r[2] === "Mistral-7B" && r[3] === "base")!;
    const db = await s.client.query<{ v: string }>(
      `SELECT p."ece"::text AS v FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId"
       WHERE b."name" = 'GlobalMMLU' AND p."languageCode" = 'sw' AND p."family" = 'Mistral-7B' AND p."sftDataset" IS NULL`,
    );
    expect(pub[4]).toBe(db.rows[0].v);
    const measured = rows.find((r) => r[0] === "measured")!;
    expect(Number(measured[5])).toBeLessThanOrEqual(Number(measured[4]));
    expect(Number(measured[6])).toBeGreaterThanOrEqual(Number(measured[4]));
    const bad = await fetch(`${appUrl}/results?cols=nope&format=json`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("cols");
  });
});
