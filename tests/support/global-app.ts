/**
 * Vitest global setup for browser tests: a real Postgres (embedded, .atlas-test) with a fresh,
 * migrated and seeded database, a production build of the app, and the app's web server (scripts/web-server.ts, as
 * `npm start` runs it) on a free port.
 * Provides `appUrl` and `appDbUrl` to the tests; tears everything down afterwards.
 */
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { ensureEmbedded, embeddedOptionsFromEnv, embeddedWebUrl } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { endPools } from "../../lib/db/pool";
import { seedDemo } from "../../cli/seed";
import { withDatabase } from "./global-db";
import { readEnv } from "../../lib/env";

const root = path.resolve(__dirname, "../..");

export default async function setup({ provide }: { provide: (k: string, v: string) => void }) {
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  // The app connects as the least-privilege web role, as `npm run demo` does (SECURITY.md); with an
  // external server, TEST_WEB_DATABASE_URL names it (else the app runs as the admin role).
  let webUrl = process.env.TEST_WEB_DATABASE_URL;
  if (!adminUrl) {
    const opts = embeddedOptionsFromEnv({
      ATLAS_DATA_DIR: path.resolve(root, readEnv("ATLAS_TEST_DATA_DIR")),
      ATLAS_PG_PORT: String(readEnv("ATLAS_TEST_PG_PORT")),
      ATLAS_PG_DATABASE: "postgres",
    });
    adminUrl = await ensureEmbedded(opts);
    webUrl = embeddedWebUrl(opts, "atlas_e2e");
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "atlas_e2e" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "atlas_e2e"`);
  await admin.end();
  const url = withDatabase(adminUrl, "atlas_e2e");
  await migrate(url, { quiet: true });
  await seedDemo(url, { log: () => {} });
  await endPools();

  if (process.env.E2E_SKIP_BUILD !== "1" || !existsSync(path.join(root, ".next/BUILD_ID"))) {
    const b = spawnSync(path.join(root, "node_modules/.bin/next"), ["build"], {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      encoding: "utf8",
    });
    if (b.status !== 0) throw new Error(`next build failed:\n${b.stdout}\n${b.stderr}`);
  }
  const port = process.env.E2E_PORT ?? "3107";
  // The web server `npm start` runs (scripts/web-server.ts: Next.js behind the views' response cache), so the browser
  // tests also check that pages follow imports, cancels and deletions through the cache.
  const server = spawn(process.execPath, ["--import", "tsx", "scripts/web-server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: port,
      NODE_ENV: "production",
      DATABASE_URL: webUrl ? withDatabase(webUrl, "atlas_e2e") : url,
      NEXT_TELEMETRY_DISABLED: "1",
      ATLAS_API_TOKEN: "e2e-token",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stopping = false;
  // The server's output goes to a test artifact, so a crash mid-suite can be read afterwards.
  mkdirSync(path.join(root, "test-results"), { recursive: true });
  const logFile = createWriteStream(path.join(root, "test-results", "next-server.log"));
  let log = "";
  const keep = (d: Buffer) => {
    log = (log + d).slice(-20_000);
    logFile.write(d);
  };
  server.stdout.on("data", keep);
  server.stderr.on("data", keep);
  server.on("exit", (code, signal) => {
    if (!stopping) console.error(`next start exited during the tests (code ${code}, signal ${signal}); see test-results/next-server.log\n${log.slice(-4000)}`);
  });
  const appUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(appUrl + "/api/health");
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`next start did not come up:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  provide("appUrl", appUrl);
  provide("appDbUrl", url);
  return async () => {
    stopping = true;
    if (server.exitCode !== null) return;
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    appUrl: string;
    appDbUrl: string;
  }
}
