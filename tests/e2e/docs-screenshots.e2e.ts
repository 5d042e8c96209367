/**
 * Not a check: regenerates the documentation screenshots of the heatmap legend, its column headers and the
 * /smoothing chart (PNG, Chromium at 1440 px) into $ATLAS_SCREENSHOTS_DIR with the file-name prefix
 * $ATLAS_SCREENSHOTS_PREFIX (e.g. "before-" / "after-"). Skipped unless ATLAS_SCREENSHOTS_DIR is set.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { openE2eSession, type E2eSession } from "../support/e2e-session";
import { readEnv } from "../../lib/env";

const dir = readEnv("ATLAS_SCREENSHOTS_DIR");
const prefix = readEnv("ATLAS_SCREENSHOTS_PREFIX");
let s: E2eSession;

describe.skipIf(!dir)("documentation screenshots", () => {
  beforeAll(async () => {
    s = await openE2eSession(inject("appUrl"), inject("appDbUrl"));
    await s.page.setViewportSize({ width: 1440, height: 1000 });
    mkdirSync(dir!, { recursive: true });
  });
  afterAll(async () => s?.close());

  it("heatmap headers and Δ legend, /smoothing chart", async () => {
    const { page } = s;
    const out = (name: string) => path.join(path.resolve(dir!), `${prefix}${name}.png`);
    await page.goto(inject("appUrl") + "/?mode=delta-base&family=Mistral-7B");
    const svg = page.locator('[data-testid="heatmap"]');
    await svg.waitFor();
    const box = (await svg.boundingBox())!;
    const head = (await page.locator('[data-testid^="row-"]').first().boundingBox())!;
    await page.screenshot({ path: out("heatmap-headers"), clip: { x: box.x, y: box.y, width: Math.min(box.width, 1400), height: head.y - box.y + 60 } });
    await svg.locator(".legend").scrollIntoViewIfNeeded();
    const legend = (await svg.locator(".legend").boundingBox())!;
    await page.screenshot({ path: out("heatmap-legend"), clip: { x: box.x, y: legend.y - 70, width: Math.min(box.width, 1000), height: legend.height + 90 } });
    for (const [name, q] of [["smoothing-chart", ""], ["smoothing-arc", "?benchmark=ARC-Challenge"]]) {
      await page.goto(inject("appUrl") + "/smoothing" + q);
      // ARC-Challenge's measured models have no β recorded: after issue 16 the page has no β chart for them (it
      // once drew a phantom "β=" step), only the base → tuned table; the whole page is shot then.
      const chart = page.locator('[data-testid="smoothing"], [data-testid="base-tuned"]').first();
      await chart.waitFor();
      await ((await page.locator('[data-testid="smoothing"]').count()) ? chart : page.locator("main")).screenshot({ path: out(name) });
    }
  });
});
