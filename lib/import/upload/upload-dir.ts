/**
 * Where uploads wait for the worker: $ATLAS_DATA_DIR/uploads/<import job id>/ (default .atlas/uploads), on the data
 * dir's disk rather than os.tmpdir() (often a small tmpfs), readable by the worker that shares the data dir.
 * A directory belongs to an ImportJob that is queued or running; anything else there is a leftover (an upload cut
 * short by a SIGKILL, a job whose clean-up never ran) and is swept when the server starts.
 */
import { mkdir, readdir, rm, statfs } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { AtlasError } from "../../errors";
import { LIMIT_VARIABLES } from "./upload-limits";
import { readEnv } from "../../env";

export function uploadsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(readEnv("ATLAS_DATA_DIR", env), "uploads");
}

/** Created world-readable (0755): the embedded cluster runs as another user, and nothing here is secret to it. */
export async function ensureUploadsRoot(root = uploadsRoot()): Promise<string> {
  await mkdir(root, { recursive: true, mode: 0o755 });
  return root;
}

/**
 * Refuses (507) an upload the disk cannot take while keeping `minFreeBytes` free: `incoming` is the declared body
 * size (0 when unknown: then only the reserve is checked, and the total limit bounds the rest).
 */
export async function ensureFreeSpace(root: string, incoming: number, minFreeBytes: number): Promise<void> {
  const s = await statfs(root);
  const free = s.bavail * s.bsize;
  if (free - incoming < minFreeBytes)
    throw new AtlasError(
      "NO_SPACE",
      `not enough free space for this upload: ${free} bytes free in ${path.basename(path.dirname(root))}/uploads, ` +
        `${incoming} incoming and ${minFreeBytes} to keep free (${LIMIT_VARIABLES.minFreeBytes})`,
    );
}

/** Removes every entry of the uploads directory that no queued or running ImportJob owns; returns their names. */
export async function sweepUploads(pool: pg.Pool | pg.ClientBase, root = uploadsRoot()): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  if (!entries.length) return [];
  const live = await pool.query<{ id: string }>(
    `SELECT "id" FROM "ImportJob" WHERE "status" IN ('queued', 'running') AND "id" = ANY($1)`,
    [entries],
  );
  const keep = new Set(live.rows.map((r) => r.id));
  const gone = entries.filter((e) => !keep.has(e));
  await Promise.all(gone.map((e) => rm(path.join(root, e), { recursive: true, force: true })));
  return gone;
}

const swept = new Map<string, Promise<unknown>>();

/** sweepUploads once per process and directory (the web server's first upload waits for it). */
export function sweepUploadsOnce(pool: pg.Pool, root = uploadsRoot()): Promise<unknown> {
  let p = swept.get(root);
  if (!p) {
    p = sweepUploads(pool, root).catch((e: Error) => console.error(`[uploads] sweep failed: ${e.message}`));
    swept.set(root, p);
  }
  return p;
}
