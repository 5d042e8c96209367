/**
 * Writes the SQL that takes the database from the current migrations to prisma/schema.prisma,
 * using Prisma's schema engine compiled to WASM (the native engine is a download we cannot make).
 *   npm run db:diff -- NAME   → prisma/migrations/<timestamp>_NAME/migration.sql
 * With no migrations yet the diff starts from an empty database.
 */
import { readFileSync, readdirSync, mkdirSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { SchemaEngine } from "@prisma/schema-engine-wasm";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { ensureEmbedded } from "../lib/db/embedded";

const root = process.cwd();
const schemaPath = path.join(root, "prisma/schema.prisma");
const migrationsDir = path.join(root, "prisma/migrations");
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:diff -- <snake_case_name>");
  process.exit(2);
}

const schema = readFileSync(schemaPath, "utf8");
// The engine insists on a live connection even for a schema-to-schema diff: give it the dev database.
// The engine expects the Result-wrapped adapter that Prisma's CLI builds internally.
const adapter = bindMigrationAwareSqlAdapterFactory(
  new PrismaPg({ connectionString: process.env.DATABASE_URL || (await ensureEmbedded()) }),
);
const engine = await SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, adapter);

// Replaying existing migration SQL needs a shadow database, so we diff against the schema
// that produced the last migration (kept beside it as schema.snapshot.prisma).
const existing = existsSync(migrationsDir)
  ? readdirSync(migrationsDir).filter((d) => existsSync(path.join(migrationsDir, d, "migration.sql"))).sort()
  : [];
const last = existing.at(-1);
const snapshot = last ? path.join(migrationsDir, last, "schema.snapshot.prisma") : null;
const from = snapshot
  ? { tag: "schemaDatamodel" as const, files: [{ path: snapshot, content: readFileSync(snapshot, "utf8") }] }
  : { tag: "empty" as const };
const result = await engine.diff({
  from,
  to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
  script: true,
  exitCode: null,
  filters: { externalTables: [], externalEnums: [] },
});
const sql = result.stdout ?? "";
if (!sql.trim() || /This is an empty migration/.test(sql)) {
  console.log("schema unchanged: no migration written");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
writeFileSync(path.join(dir, "schema.snapshot.prisma"), schema);
if (!existsSync(path.join(migrationsDir, "migration_lock.toml"))) {
  writeFileSync(path.join(migrationsDir, "migration_lock.toml"), 'provider = "postgresql"\n');
}
console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
