import "server-only";
import type pg from "pg";
import { poolFor } from "./pool";

/** The pool of the web app's database. The launcher (scripts/serve.ts) sets DATABASE_URL. */
export function db(): pg.Pool {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm run demo` (or set DATABASE_URL)");
  return poolFor(url);
}
