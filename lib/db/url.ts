/**
 * Database selection for every entry point (web, worker, CLI, tests):
 * DATABASE_URL when set, otherwise the embedded cluster (started or joined, then migrated).
 */
import { ensureEmbedded } from "./embedded";
import { migrate } from "./migrate";

let resolved: Promise<string> | null = null;

export function resolveDatabaseUrl(): Promise<string> {
  resolved ??= (async () => {
    const url = process.env.DATABASE_URL || (await ensureEmbedded());
    await migrate(url, { quiet: true });
    process.env.DATABASE_URL = url;
    return url;
  })();
  return resolved;
}
