/**
 * The web app while its database is down: the proxy (proxy.ts, in front of every page and API route) answers 503
 * with a message — JSON for /api/*, a self-reloading page otherwise — within a second of the database stopping
 * abruptly (`pg_ctl stop -m immediate`), and lets requests through again by itself once it is back. Own cluster.
 */
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faultCluster, until, type FaultCluster } from "../support/fault-cluster";

let cluster: FaultCluster;

beforeAll(async () => {
  cluster = await faultCluster(4);
  process.env.DATABASE_URL = await cluster.database("atlas_faults_web");
});

afterAll(() => cluster?.stop());

const { proxy } = await import("../../proxy");
const ask = (p: string) => proxy(new NextRequest(new URL(p, "http://localhost:3000"), { headers: { host: "localhost:3000" } }));
/** The proxy let the request through to the page or route (NextResponse.next()). */
const passes = async (p: string) => (await ask(p)).headers.get("x-middleware-next") === "1";

describe("web app with the database down", () => {
  it("answers 503 with a message while it is down, and recovers by itself", async () => {
    expect(await passes("/")).toBe(true); // up: passes through

    cluster.crash();
    await until(async () => (await ask("/reliability"))?.status === 503, 5_000, "503 from the proxy");
    const page = (await ask("/reliability"))!;
    expect(page.headers.get("retry-after")).toBe("2");
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/Database unavailable[\s\S]*retries by itself/);
    const api = (await ask("/api/runs"))!;
    expect(api.status).toBe(503);
    expect(await api.json()).toMatchObject({ error: { code: "UNAVAILABLE", message: expect.stringMatching(/^database unavailable: /) } });

    await cluster.start(); // WAL replay after the immediate stop
    await until(() => passes("/"), 10_000, "requests to pass again");
    expect(await passes("/api/runs")).toBe(true);
  });
});
