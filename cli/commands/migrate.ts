import { migrate } from "../../lib/db/migrate";
import { ensureEmbedded } from "../../lib/db/embedded";

export const summary = "apply pending migrations (prisma/migrations) to DATABASE_URL or the embedded database";

export async function run(): Promise<number> {
  const url = process.env.DATABASE_URL || (await ensureEmbedded());
  const applied = await migrate(url);
  console.log(applied.length ? `applied ${applied.length} migration(s)` : "database is up to date");
  return 0;
}
