import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { screenshot } from "../../testkit/browser";
import { openE2eSession, type E2eSession } from "../support/e2e-session";
import { parseCsv, type MeasuredFixture } from "../support/measured-fixture";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
const TOKEN = "e2e-token"; // ATLAS_API_TOKEN of the e2e server (tests/support/global-app.ts)
let browser: Browser;
let page: Page;
let fx: MeasuredFixture;
let client: pg.Client;
let session: E2eSession;
let running: number;
let disposable: number;

/** A running worker run with two splits, and a finished run to delete — the test's own rows. */
async function makeRuns() {
  const base = fx.models.find((m) => m.sftDataset === null)!;
  const r = await client.query<{ id: number }>(
    `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "status", "provenance", "config", "progressDone", "progressTotal", "startedAt")
     VALUES ($1, $2, 'letter', 'running', 'worker', '{"device":"cpu","batch":8}', 10, 240, now()) RETURNING "id"`,
    [base.id, fx.benchmarkId],
  );
  running = r.rows[0].id;
  await client.query(
    `INSERT INTO "RunSplit" ("runId", "languageCode", "status", "done", "total", "questionsPerS", "etaSeconds", "jobId")
     VALUES ($1, 'sw', 'running', 10, 120, 4.5, 24.4, 'job-sw'), ($1, 'yo', 'queued', 0, 120, NULL, NULL, 'job-yo')`,
    [running],
  );
  const d = await client.query<{ id: number }>(
    `INSERT INTO "Run" ("modelId", "benchmarkId", "scoringMethod", "status", "provenance", "sourceFiles", "importerVersion", "finishedAt")
     VALUES ($1, $2, 'continuation', 'failed', 'imported', '[{"path":"uploads/broken.jsonl","sha256":"deadbeef00112233","bytes":1234}]',
             'atlas-import/test', now()) RETURNING "id"`,
    [base.id, fx.benchmarkId],
  );
  disposable = d.rows[0].id;
}

beforeAll(async () => {
  session = await openE2eSession(appUrl, dbUrl);
  ({ fx, client, browser, page } = session);
  await makeRuns();
});
afterAll(async () => {
  await client?.query(`DELETE FROM "Run" WHERE "id" = ANY($1)`, [[running, disposable]]).catch(() => {});
  await session?.close();
});

const row = (id: number) => page.locator(`[data-testid="run-row"][data-run="${id}"]`);

describe("runs /runs", () => {
  it("lists every run with its provenance, as stored", async () => {
    await page.goto(appUrl + "/runs");
    await page.waitForSelector('[data-testid="runs"]');
    const db = await client.query<{
      id: number;
      status: string;
      provenance: string;
      importerVersion: string | null;
      sourceFiles: { path: string }[];
    }>(
      `SELECT "id", "status"::text AS status, "provenance"::text AS provenance, "importerVersion", "sourceFiles" FROM "Run" ORDER BY "id"`,
    );
    expect(await page.locator('[data-testid="run-row"]').count()).toBe(db.rows.length);
    for (const r of db.rows) {
      expect(await row(r.id).getAttribute("data-status")).toBe(r.status);
      expect(await row(r.id).locator('[data-testid="run-provenance"]').textContent()).toBe(r.provenance);
    }
    const fixtureRun = fx.models[0].runId;
    const f = db.rows.find((r) => r.id === fixtureRun)!;
    expect(await row(fixtureRun).locator('[data-testid="run-importer"]').textContent()).toContain(
      f.importerVersion,
    );
    await row(fixtureRun).locator("summary", { hasText: "source file" }).click();
    // Stored paths show as base names only (SECURITY.md: no paths in unauthenticated answers).
    const files = await row(fixtureRun).locator('[data-testid="run-files"]').textContent();
    expect(files).toContain(path.basename(f.sourceFiles[0].path));
    expect(files).not.toContain(path.dirname(f.sourceFiles[0].path) + "/");
    await screenshot(page, "runs");
  });

  it("shows live progress of a running run without a reload", async () => {
    await page.goto(appUrl + "/runs");
    const split = page.locator(
      `[data-testid="run-row"][data-run="${running}"] + tr [data-testid="split"][data-language="sw"] [data-testid="split-progress"]`,
    );
    expect(await split.getAttribute("data-done")).toBe("10");
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
    await client.query(
      `UPDATE "RunSplit" SET "done" = 70, "questionsPerS" = 6 WHERE "runId" = $1 AND "languageCode" = 'sw'`,
      [running],
    );
    await client.query(`UPDATE "Run" SET "progressDone" = 70 WHERE "id" = $1`, [running]);
    await expect.poll(() => split.getAttribute("data-done"), { timeout: 10_000 }).toBe("70");
    expect(await row(running).locator('[data-testid="run-progress"]').getAttribute("data-done")).toBe("70");
    // Same document: the page polled, it did not reload.
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
  });

  it("the API refuses without the right bearer token", async () => {
    const noToken = await fetch(`${appUrl}/api/runs/${running}/cancel`, { method: "POST" });
    expect(noToken.status).toBe(401);
    const wrong = await fetch(`${appUrl}/api/runs/${disposable}`, {
      method: "DELETE",
      headers: { Authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    const busy = await fetch(`${appUrl}/api/runs/${running}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(busy.status).toBe(409);
    const done = await fetch(`${appUrl}/api/runs/${fx.models[0].runId}/cancel`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(done.status).toBe(409);
    const missing = await fetch(`${appUrl}/api/runs/99999999`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(missing.status).toBe(404);
    expect(
      (await client.query(`SELECT 1 FROM "Run" WHERE "id" = ANY($1)`, [[running, disposable]])).rowCount,
    ).toBe(2);
  });

  it("cancels and deletes behind the token, which stays in sessionStorage and out of the URL", async () => {
    await page.goto(appUrl + "/runs");
    await row(running).locator('[data-testid="cancel-run"]').click();
    await expect
      .poll(() => page.locator('[data-testid="runs-message"]').textContent())
      .toContain("API token");

    await page.fill('input[name="token"]', TOKEN);
    await page.click('[data-testid="token-form"] button[type="submit"]');
    await expect.poll(() => page.locator('[data-testid="token-state"]').textContent()).toContain("token set");
    expect(await page.evaluate(() => sessionStorage.getItem("atlas-api-token"))).toBe(TOKEN);
    expect(page.url()).not.toContain(TOKEN);

    await row(running).locator('[data-testid="cancel-run"]').click();
    await expect.poll(() => row(running).getAttribute("data-status")).toBe("cancelled");
    const run = await client.query<{ status: string }>(
      `SELECT "status"::text AS status FROM "Run" WHERE "id" = $1`,
      [running],
    );
    expect(run.rows[0].status).toBe("cancelled");
    const splits = await client.query<{ status: string }>(
      `SELECT DISTINCT "status"::text AS status FROM "RunSplit" WHERE "runId" = $1`,
      [running],
    );
    expect(splits.rows.map((s) => s.status)).toEqual(["cancelled"]);

    page.once("dialog", (d) => void d.accept());
    await row(disposable).locator('[data-testid="delete-run"]').click();
    await expect.poll(() => row(disposable).count()).toBe(0);
    expect((await client.query(`SELECT 1 FROM "Run" WHERE "id" = $1`, [disposable])).rowCount).toBe(0);
    expect(page.url()).not.toContain(TOKEN);
  });

  it("copy link and CSV", async () => {
    await page.goto(appUrl + "/runs?family=Synth-1B");
    await page.waitForSelector('[data-testid="runs"]');
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="download-csv"]'),
    ]);
    const [header, ...body] = parseCsv(readFileSync(await download.path(), "utf8"));
    const ids = await page
      .locator('[data-testid="run-row"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-run")));
    expect(body.map((r) => r[header.indexOf("id")])).toEqual(ids);
    const db = await client.query<{ id: number; status: string }>(
      `SELECT r."id", r."status"::text AS status FROM "Run" r JOIN "Model" m ON m."id" = r."modelId" WHERE m."family" = 'Synth-1B'`,
    );
    expect(body).toHaveLength(db.rows.length);
    for (const r of db.rows)
      expect(body.find((b) => b[0] === String(r.id))?.[header.indexOf("status")]).toBe(r.status);

    await page.click('[data-testid="copy-link"]');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(new URL(link).searchParams.get("family")).toBe("Synth-1B");
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await fresh.goto(link);
    await fresh.waitForSelector('[data-testid="runs"]');
    expect(
      await fresh
        .locator('[data-testid="run-row"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-run"))),
    ).toEqual(ids);
    await fresh.close();
  });
});
