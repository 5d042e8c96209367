/** A fresh, migrated database for one benchmark run, on DATABASE_URL's server or the embedded cluster. */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { ensureEmbedded, embeddedOptionsFromEnv, withDatabase } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";

export async function benchDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `atlas_bench_${label}_${randomBytes(3).toString("hex")}`;
  const serverUrl =
    process.env.DATABASE_URL || (await ensureEmbedded({ ...embeddedOptionsFromEnv(), database: "postgres" }));
  const admin = withDatabase(serverUrl, "postgres");
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl, name);
  await migrate(url, { quiet: true });
  return { url, drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
