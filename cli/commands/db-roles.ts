/**
 * `calib db-roles [--password-stdin]` — creates (or updates) the web server's least-privilege role
 * `atlas_web` in DATABASE_URL's cluster, grants it exactly what lib/db/roles.ts lists in this database,
 * and prints the line to give the web server: ATLAS_WEB_DATABASE_URL=… (stdout). The password is random
 * unless --password-stdin reads one. Needs a DATABASE_URL role with CREATEROLE. Additive: running it
 * again rotates the password (or sets the given one) and re-applies the grants. The embedded database
 * needs none of this: its web role is made and kept up to date at every start.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { badInput } from "../../lib/errors";
import { cliArgs } from "../args";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { applyWebGrants, ensureWebRole, WEB_ROLE } from "../../lib/db/roles";

export const summary = "create the web server's least-privilege role (atlas_web) and print ATLAS_WEB_DATABASE_URL";

async function readStdin(): Promise<string> {
  let s = "";
  for await (const chunk of process.stdin) s += chunk;
  return s.trim();
}

export async function run(argv: string[]): Promise<number> {
  const { values } = cliArgs(() =>
    parseArgs({ args: argv, options: { "password-stdin": { type: "boolean" } }, strict: true }),
  );
  if (!process.env.DATABASE_URL) {
    console.error("calib db-roles: the embedded database manages its web role itself (nothing to do)");
    return 0;
  }
  const url = await resolveDatabaseUrl(); // migrated first: the grants cover every table
  const password = values["password-stdin"] ? await readStdin() : randomBytes(24).toString("base64url");
  if (!password) throw badInput("--password-stdin: empty password", { field: "password" });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET client_min_messages = warning");
    await ensureWebRole(client, password);
    await applyWebGrants(client);
  } finally {
    await client.end();
  }
  const web = new URL(url);
  web.username = WEB_ROLE;
  web.password = password;
  console.log(`ATLAS_WEB_DATABASE_URL=${web.toString()}`);
  console.error(`role ${WEB_ROLE}: created/updated and granted in ${web.pathname.slice(1)} (see SECURITY.md)`);
  return 0;
}
