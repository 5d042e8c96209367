/**
 * Per-test-file databases cloned from the migrated template (tests/support/global-db.ts).
 * Usage: const db = await freshDatabase("import"); ... process.env.DATABASE_URL = db.url
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { prismaFor, type PrismaClient } from "../../lib/db/prisma";
import { TEMPLATE, withDatabase } from "./global-db";

export interface TestDatabase {
  name: string;
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

export async function freshDatabase(label: string): Promise<TestDatabase> {
  const adminUrl = inject("adminUrl");
  const name = `atlas_t_${label.replace(/\W/g, "_").toLowerCase()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE}"`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const prisma = prismaFor(url);
  return {
    name,
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}
