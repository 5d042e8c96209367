/**
 * What every browser test over the measured fixture starts from: the fixture written into the e2e app's database,
 * a client on that database (to compare what the page shows with what is stored), and a Chromium page at 1280 px
 * with downloads and clipboard access (copy link, CSV export).
 */
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../../testkit/browser";
import { writeE2eFixture, type MeasuredFixture } from "./measured-fixture";

export interface E2eSession {
  fx: MeasuredFixture;
  client: pg.Client;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openE2eSession(appUrl: string, dbUrl: string): Promise<E2eSession> {
  const fx = await writeE2eFixture(dbUrl);
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: appUrl });
  const page = await context.newPage();
  return {
    fx,
    client,
    browser,
    context,
    page,
    async close() {
      await browser.close();
      await client.end();
    },
  };
}
