/**
 * "The database is not there": errors that mean the server stopped, restarted or cannot be reached — as opposed to
 * a query that failed. Entry points turn these into one clear message (CLI), a 503 (web), or a retry later (worker),
 * instead of a stack trace. Every write path is one transaction, so such an error leaves nothing partial behind.
 */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
// SQLSTATE class 08 (connection exception) and 57P01-57P03 (admin_shutdown, crash_shutdown, cannot_connect_now).
const SQLSTATES = /^(08...|57P0[123])$/;
const MESSAGES = /Connection terminated|connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)/;

export function isDatabaseUnavailable(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 5; depth++) {
    const err = x as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof err.code === "string" && (NETWORK_CODES.has(err.code) || SQLSTATES.test(err.code))) return true;
    if (typeof err.message === "string" && MESSAGES.test(err.message)) return true;
    if (Array.isArray(err.errors) && err.errors.some(isDatabaseUnavailable)) return true; // AggregateError (connect)
    x = err.cause;
  }
  return false;
}

/** The database server's disk is full (SQLSTATE 53100 disk_full) or a local write hit ENOSPC. */
export function isDiskFull(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 5; depth++) {
    const err = x as { code?: unknown; cause?: unknown };
    if (err.code === "53100" || err.code === "ENOSPC") return true;
    x = err.cause;
  }
  return false;
}

export function diskFullMessage(e: unknown, doing = "the command"): string {
  const detail = e instanceof Error ? e.message : String(e);
  return `out of disk space during ${doing} (${detail.split("\n")[0]}). The transaction in progress was rolled back, so nothing is half-written; free some space (or move the data: ATLAS_DATA_DIR, TMPDIR) and run it again.`;
}

/** The one message users see for it. */
export function unavailableMessage(e: unknown, doing = "the command"): string {
  const detail = e instanceof Error ? e.message : String(e);
  return `the database became unavailable during ${doing} (${detail.split("\n")[0]}). The transaction in progress was rolled back, so nothing is half-written; run it again once the database is back (the embedded one restarts and recovers on the next start).`;
}

/**
 * For entry points (CLI, worker): a connection that breaks while a client is checked out of a pool (or inside a
 * COPY) emits 'error' on a client nobody listens to, which would end the process with a stack trace. Such errors
 * go to `onLost` instead (the query in flight fails on its own and is handled where it was made); any other
 * uncaught exception still prints and exits 1, as Node does by default.
 */
export function onLostConnection(onLost: (e: unknown) => void): void {
  process.on("uncaughtException", (e) => {
    if (isDatabaseUnavailable(e)) return onLost(e);
    console.error(e);
    process.exit(1);
  });
}
