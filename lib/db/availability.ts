/**
 * Is the web app's database reachable? One `SELECT 1` on a one-connection pool of its own, at most once a second
 * while the database is up (every 250 ms while it is down, so recovery is noticed at once); concurrent requests
 * share the probe in flight. The proxy (proxy.ts) answers 503 with a message while this says no, so a stopped or
 * restarting database shows as "unavailable, retrying" instead of a 500 error page, and the app recovers by itself.
 */
import pg from "pg";

const UP_TTL_MS = 1000;
const DOWN_TTL_MS = 250;

let pool: pg.Pool | null = null;
let state: { up: boolean; checkedAt: number; detail: string } = { up: true, checkedAt: 0, detail: "" };
let pending: Promise<void> | null = null;

function probePool(url: string): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 2000, idleTimeoutMillis: 30_000 });
    pool.on("error", () => {}); // an idle probe connection dropped by a stopping server: the next probe reconnects
  }
  return pool;
}

/** Whether the database answered its last probe, and why not when it did not. */
export async function databaseAvailability(url: string): Promise<{ up: boolean; detail: string }> {
  if (Date.now() - state.checkedAt >= (state.up ? UP_TTL_MS : DOWN_TTL_MS)) {
    pending ??= probePool(url)
      .query("SELECT 1")
      .then(
        () => void (state = { up: true, checkedAt: Date.now(), detail: "" }),
        (e: Error) => void (state = { up: false, checkedAt: Date.now(), detail: e.message.split("\n")[0] }),
      )
      .finally(() => (pending = null));
    await pending;
  }
  return { up: state.up, detail: state.detail };
}
