/**
 * Database selection for every entry point (web, worker, CLI, tests):
 * DATABASE_URL when set, otherwise the embedded cluster (started or joined, then migrated).
 * The web server gets its own, least-privilege URL (webDatabaseUrl; SECURITY.md).
 */
import { embeddedOptionsFromEnv, embeddedWebUrl, ensureEmbedded } from "./embedded";
import { migrate } from "./migrate";
import { readEnv } from "../env";

let resolved: Promise<string> | null = null;
let embedded = false;

export function resolveDatabaseUrl(): Promise<string> {
  resolved ??= (async () => {
    embedded = !process.env.DATABASE_URL;
    const url = process.env.DATABASE_URL || (await ensureEmbedded());
    await migrate(url, { quiet: true });
    process.env.DATABASE_URL = url;
    return url;
  })();
  return resolved;
}

/**
 * The URL the web server (`next start`) connects with, after resolveDatabaseUrl: the embedded
 * cluster's `atlas_web` role; with an external DATABASE_URL, ATLAS_WEB_DATABASE_URL when set (a role
 * made by `calib db-roles`), else the owner URL itself — with a warning, since the web process then
 * holds every right the owner has.
 */
export async function webDatabaseUrl(warn: (m: string) => void = console.error): Promise<string> {
  const url = await resolveDatabaseUrl();
  if (embedded) return embeddedWebUrl(embeddedOptionsFromEnv());
  const web = readEnv("ATLAS_WEB_DATABASE_URL");
  if (web) return web;
  warn(
    "warning: the web server connects with DATABASE_URL's role; create a least-privilege one with " +
      "`npm run calib -- db-roles` and set ATLAS_WEB_DATABASE_URL (SECURITY.md)",
  );
  return url;
}
