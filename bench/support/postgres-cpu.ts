/**
 * CPU seconds used so far by the embedded Postgres cluster (postmaster, its live children, and the children it has
 * reaped), read from /proc. Planning and importing split their work between this process and the server; on a shared
 * machine wall time says little, so the benches report both sides' CPU. Null where it cannot be read: another
 * server (DATABASE_URL), or no /proc.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { embeddedOptionsFromEnv } from "../../lib/db/embedded";

const TICKS_PER_S = 100; // USER_HZ on Linux

/** Fields of /proc/PID/stat after the command name: [state, ppid, …]; utime/stime/cutime/cstime are 14–17 (1-based). */
function stat(pid: string): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

export function postgresCpuSeconds(env: Record<string, string | undefined> = process.env): number | null {
  if (env.DATABASE_URL) return null;
  let master: string;
  try {
    master = readFileSync(path.join(embeddedOptionsFromEnv(env).dir, "pg", "postmaster.pid"), "utf8").split("\n")[0].trim();
  } catch {
    return null;
  }
  const own = stat(master);
  if (!own) return null;
  // Fields after ")": index 0 is state, 1 ppid, 11 utime, 12 stime, 13 cutime, 14 cstime.
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const s = stat(pid);
    if (s && s[1] === master) ticks += Number(s[11]) + Number(s[12]);
  }
  return ticks / TICKS_PER_S;
}
