/**
 * Enqueueing from processes that never work on jobs (the web server): a pg-boss instance per database that does not
 * supervise or schedule (no maintenance timers in the web process; workers do that), created on first use.
 * The queue is created with the same policy the workers create it with, so whichever starts first sets it up.
 */
import PgBoss from "pg-boss";

export interface QueuePolicy {
  retryLimit: number;
  retryDelay: number;
  retryBackoff?: boolean;
  expireInSeconds: number;
}

const senders = new Map<string, Promise<PgBoss>>();
const created = new Set<string>();

function senderFor(url: string): Promise<PgBoss> {
  let b = senders.get(url);
  if (!b) {
    b = (async () => {
      const boss = new PgBoss({
        connectionString: url,
        schema: "pgboss",
        max: 2,
        // The web role may only insert jobs (lib/db/roles.ts): it never installs or migrates pg-boss's schema.
        migrate: false,
        supervise: false,
        schedule: false,
      });
      boss.on("error", (e: Error) => console.error(`[queue] ${e.message}`));
      await boss.start();
      return boss;
    })();
    b.catch(() => senders.delete(url)); // a failed start (database down) is retried by the next call
    senders.set(url, b);
  }
  return b;
}

/** The started sender with `queue` created (once per process). */
export async function queueSender(url: string, queue: string, policy: QueuePolicy): Promise<PgBoss> {
  const boss = await senderFor(url);
  const key = `${url}|${queue}`;
  if (!created.has(key)) {
    // Workers create every queue when they start; a sender creates one only where its role may (the owner's).
    if (!(await boss.getQueue(queue))) await boss.createQueue(queue, { name: queue, ...policy });
    created.add(key);
  }
  return boss;
}

export async function stopSenders(): Promise<void> {
  for (const b of senders.values()) await (await b.catch(() => null))?.stop({ graceful: false, wait: true });
  senders.clear();
  created.clear();
}
