/** Polls the database once a second until it answers `SELECT 1` (or `cancelled()` says to give up: then throws). */
import pg from "pg";

export async function waitForDatabase(url: string, cancelled: () => boolean = () => false): Promise<void> {
  for (;;) {
    if (cancelled()) throw new Error("stopped while waiting for the database");
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    c.on("error", () => {});
    try {
      await c.connect();
      await c.query("SELECT 1");
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await c.end().catch(() => {});
    }
  }
}
