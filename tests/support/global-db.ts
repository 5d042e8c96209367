/**
 * Vitest global setup for integration tests: a real PostgreSQL (the embedded cluster in .atlas-test,
 * or TEST_DATABASE_ADMIN_URL's server), with a migrated template database. Each test file clones
 * the template into a database of its own (tests/support/db.ts).
 */
import pg from "pg";
import { ensureEmbedded, embeddedOptionsFromEnv, withDatabase } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { readEnv } from "../../lib/env";

export const TEMPLATE = "atlas_template";

export default async function setup({ provide }: { provide: (k: string, v: string) => void }) {
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (!adminUrl) {
    const opts = embeddedOptionsFromEnv({
      ATLAS_DATA_DIR: readEnv("ATLAS_TEST_DATA_DIR"),
      ATLAS_PG_PORT: String(readEnv("ATLAS_TEST_PG_PORT")),
      ATLAS_PG_DATABASE: "postgres",
    });
    adminUrl = await ensureEmbedded(opts);
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Drop databases left by earlier runs, then rebuild the template from the migrations.
  const old = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'atlas_t_%' OR datname = $1",
    [TEMPLATE],
  );
  for (const { datname } of old.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${TEMPLATE}"`);
  await admin.end();
  const templateUrl = withDatabase(adminUrl, TEMPLATE);
  await migrate(templateUrl, { quiet: true });
  provide("adminUrl", adminUrl);
}

export { withDatabase };

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
  }
}
