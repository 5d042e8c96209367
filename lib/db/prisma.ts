/**
 * The Prisma client over node-postgres (Prisma 7 query compiler + driver adapter; no engine binary).
 * One client per pg pool, built on that pool (lib/db/pool.ts): the client connects with the pool's role — the web
 * server's least-privilege atlas_web (lib/db/roles.ts) in the app — and shares its connections (ATLAS_PG_POOL).
 * Entry points resolve the URL first (lib/db/url.ts). Which module uses the client and which raw SQL:
 * docs/database.md, "Prisma client or raw SQL".
 */
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "./generated/client";
import { poolFor } from "./pool";

const clients = new Map<pg.Pool, PrismaClient>();

/** The client that runs its queries on `pool` (the adapter never ends a pool it was given). */
export function prismaOn(pool: pg.Pool): PrismaClient {
  let c = clients.get(pool);
  if (!c) {
    c = new PrismaClient({ adapter: new PrismaPg(pool) });
    clients.set(pool, c);
  }
  return c;
}

export function prismaFor(url: string): PrismaClient {
  return prismaOn(poolFor(url));
}

/** The client for DATABASE_URL (set by the launcher for the web app, by resolveDatabaseUrl elsewhere). */
export function prisma(): PrismaClient {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start through `npm run demo`/`npm start`, or call resolveDatabaseUrl() first");
  return prismaFor(url);
}

/** Disconnects every client (their pools stay: endPools() ends those). */
export async function disconnectAll(): Promise<void> {
  await Promise.all([...clients.values()].map((c) => c.$disconnect()));
  clients.clear();
}

export type { PrismaClient };
