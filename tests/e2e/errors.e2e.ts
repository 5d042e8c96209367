/**
 * Errors in pages against the production server (`next start`), where Next.js replaces the message of an error
 * thrown in a server component with a generic one: expected errors (an invalid parameter the proxy does not check,
 * a bin count only the stored stats can refuse, an unknown bin) still show their own message, from the shared
 * guard (components/ui/expected-errors.tsx); an unexpected one shows the segment's error.tsx with the digest that
 * the server log prints, and never the server's own message.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openE2eSession, type E2eSession } from "../support/e2e-session";

const appUrl = inject("appUrl");
const dbUrl = inject("appDbUrl");
let s: E2eSession;

beforeAll(async () => {
  s = await openE2eSession(appUrl, dbUrl);
});
afterAll(async () => {
  await s?.close();
});

const alert = () => s.page.locator('.error[role="alert"]');

describe("expected errors keep their message in production", () => {
  it("a page the proxy does not check names the invalid parameter (thrown in the page)", async () => {
    const res = await s.page.goto(appUrl + "/shifts?binning=squares");
    expect(res?.status()).toBe(200);
    await expect.poll(() => alert().textContent()).toContain('field "binning"');
    expect(await alert().textContent()).toContain("squares");
    expect(await alert().locator("a").getAttribute("href")).toBe("/shifts");
  });

  it("a bin count only the stored stats refuse names the field (thrown inside the page's Suspense boundary)", async () => {
    await s.page.goto(appUrl + "/reliability?benchmark=GlobalMMLU&models=Synth-1B&bins=7");
    await expect.poll(() => alert().textContent()).toContain('field "bins": invalid value "7"');
    expect(await alert().locator("a").getAttribute("href")).toBe("/reliability");
  });

  it("an unknown run of a bin link says so", async () => {
    await s.page.goto(appUrl + "/questions?benchmark=GlobalMMLU&languages=sw&run=2147483000&bin=0");
    const text = await alert().textContent();
    expect(text).toContain("Invalid link.");
    expect(text).toContain("2147483000");
  });
});

describe("unexpected errors", () => {
  it("show the segment's error page with the digest, not the server's message; retry works once the fault is gone", async () => {
    // A real failure of the page's query: the runs table is gone for a moment (e2e files run one at a time).
    await s.client.query(`ALTER TABLE "Run" RENAME TO "Run_e2e_gone"`);
    try {
      await s.page.goto(appUrl + "/runs");
      const box = s.page.locator('[data-testid="route-error"]');
      await expect.poll(() => box.textContent(), { timeout: 20_000 }).toContain("Something went wrong on the server");
      const text = (await box.textContent()) ?? "";
      const digest = await box.getAttribute("data-digest");
      expect(digest).toMatch(/^\w+$/);
      expect(text).toContain(`Reference: ${digest}`);
      expect(text).not.toMatch(/Run|relation|does not exist/);
      expect(await box.locator("a").getAttribute("href")).toBe("/runs");
    } finally {
      await s.client.query(`ALTER TABLE "Run_e2e_gone" RENAME TO "Run"`);
    }
    await s.page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => s.page.locator("h1").textContent(), { timeout: 20_000 }).toBe("Runs");
  });
});
