/**
 * The Prisma client over node-postgres (Prisma 7 query compiler + driver adapter; no engine binary).
 * One client per process and URL. Entry points resolve the URL first (lib/db/url.ts).
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { readEnv } from "../env";

const clients = new Map<string, PrismaClient>();

export function prismaFor(url: string): PrismaClient {
  let c = clients.get(url);
  if (!c) {
    c = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: readEnv("ATLAS_PG_POOL") }) });
    clients.set(url, c);
  }
  return c;
}

/** The client for DATABASE_URL (set by the launcher for the web app, by resolveDatabaseUrl elsewhere). */
export function prisma(): PrismaClient {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start through `npm run demo`/`npm start`, or call resolveDatabaseUrl() first");
  return prismaFor(url);
}

export async function disconnectAll(): Promise<void> {
  await Promise.all([...clients.values()].map((c) => c.$disconnect()));
  clients.clear();
}

export type { PrismaClient };
