import { parseArgs } from "node:util";
import { poolFor, endPools } from "../../lib/db/pool";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { DEFAULT_SOURCE, importPublishedFile } from "../../lib/published/import";
import { cliArgs } from "../args";

export const summary = "import a published-results CSV (idempotent; all-or-nothing)";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = cliArgs(() =>
    parseArgs({ args: argv, allowPositionals: true, options: { source: { type: "string", default: DEFAULT_SOURCE } } }),
  );
  if (positionals.length === 0) {
    console.error("usage: calib import-published FILE... [--source NAME]");
    return 2;
  }
  const pool = poolFor(await resolveDatabaseUrl());
  try {
    for (const file of positionals) {
      const r = await importPublishedFile(pool, file, values.source);
      console.log(`${file}: ${r.rows} rows — ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged`);
    }
  } finally {
    await endPools();
  }
  return 0;
}
