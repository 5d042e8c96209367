/**
 * Waking idle workers as soon as jobs are enqueued. pg-boss 10 only polls (every pollingIntervalSeconds,
 * at least 0.5 s), so whoever enqueues also sends NOTIFY on one channel, and every worker LISTENs on it
 * (one extra connection) and tells its pg-boss subscriptions to fetch now. Works across machines: NOTIFY
 * reaches every session connected to the database. Polling stays on, so a lost notification or a dropped
 * listener connection only costs the polling delay.
 */
import pg from "pg";
import { JOBS_CHANNEL } from "../../lib/queue/notify";

export { notifyJobsQueued } from "../../lib/queue/notify";

export interface JobListener {
  stop(): Promise<void>;
}

const RECONNECT_MS = 5000;

/** Calls `onJobs(queue)` on every notification; reconnects (after RECONNECT_MS) when the connection drops. */
export function listenForJobs(url: string, onJobs: (queue: string) => void, log: (m: string) => void): JobListener {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url });
    c.on("notification", (n) => onJobs(n.payload ?? ""));
    c.on("error", (e) => retry(c, e));
    try {
      await c.connect();
      await c.query(`LISTEN ${JOBS_CHANNEL}`);
      if (stopped) await c.end();
      else client = c;
    } catch (e) {
      retry(c, e as Error);
    }
  };
  const retry = (c: pg.Client, e: Error) => {
    c.end().catch(() => undefined);
    if (client === c) client = null;
    if (stopped || timer) return;
    log(`[queue] job notifications unavailable (${e.message}); polling only, reconnecting in ${RECONNECT_MS / 1000} s`);
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, RECONNECT_MS);
  };
  void connect();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
