/** The migrated "Language" table is exactly lib/languages.ts (codes, names, scripts, resource classes). */
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LANGUAGES } from "../../lib/languages";
import { freshDatabase, type TestDatabase } from "../support/db";

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase("languages");
});
afterAll(async () => {
  await db.drop();
});

it("the migrations write lib/languages.ts into Language", async () => {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const { rows } = await c.query(`SELECT code, name, script, "resourceClass" FROM "Language" ORDER BY code`);
  await c.end();
  const expected = [...LANGUAGES].sort((a, b) => a.code.localeCompare(b.code)).map((l) => ({ code: l.code, name: l.name, script: l.script, resourceClass: l.resourceClass }));
  expect(rows).toEqual(expected);
});
