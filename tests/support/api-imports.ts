/**
 * POST /api/imports in an int test: a fresh database, the queue worker running in this process (it runs the import
 * jobs), a data dir for the uploads, and multipart requests built like a client's. Shared by the API import suites
 * (tests/int/api-imports.int.test.ts, hostile-api.int.test.ts, hostile-api-fuzz.int.test.ts).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { freshDatabase, type TestDatabase } from "./db";
import type { RunningWorker } from "../../workers/worker";

export const API_TOKEN = "test-token-0123456789";

export interface ApiImportEnv {
  db: TestDatabase;
  worker: RunningWorker;
  dataDir: string;
  /** Stops the worker and the queue connections, restores process.env, drops the database, removes the data dir. */
  stop(): Promise<void>;
}

/** Sets DATABASE_URL, ATLAS_DATA_DIR and ATLAS_API_TOKEN for this process and starts one worker on a fresh database. */
export async function startApiImports(label: string): Promise<ApiImportEnv> {
  const env = { ...process.env };
  const db = await freshDatabase(label);
  const dataDir = path.resolve(__dirname, `../../.atlas-test/${label}-uploads-${process.pid}`);
  process.env.DATABASE_URL = db.url;
  process.env.ATLAS_DATA_DIR = dataDir;
  process.env.ATLAS_API_TOKEN = API_TOKEN;
  const { startWorker } = await import("../../workers/worker");
  const worker = await startWorker(db.url, { quiet: true });
  return {
    db,
    worker,
    dataDir,
    async stop() {
      await worker.stop();
      await (await import("../../workers/queue/boss")).stopBosses();
      await (await import("../../lib/queue/sender")).stopSenders();
      process.env = env;
      await (await import("../../lib/db/pool")).endPools();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type UploadPart = { name: string; content: string | Buffer; field?: string };

/** A multipart POST /api/imports request: form fields first (unless `filesFirst`), then the files. */
export function importRequest(
  fields: Record<string, string>,
  files: UploadPart[],
  opts: { token?: string | null; prefer?: string; filesFirst?: boolean } = {},
): Request {
  const form = new FormData();
  const addFields = () => Object.entries(fields).forEach(([k, v]) => form.append(k, v));
  if (!opts.filesFirst) addFields();
  for (const f of files)
    form.append(
      f.field ?? "file",
      new Blob([typeof f.content === "string" ? f.content : new Uint8Array(f.content)]),
      f.name,
    );
  if (opts.filesFirst) addFields();
  const token = opts.token === undefined ? API_TOKEN : opts.token;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (opts.prefer) headers.prefer = opts.prefer;
  return new Request("http://localhost/api/imports", { method: "POST", body: form, headers });
}

/** `calib import` flags as the API's form fields (`--x v` → x=v; a flag without a value, such as --renormalize → "true"). */
export function flagsToFields(flags: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flags.length; i++) {
    const name = flags[i].replace(/^--/, "");
    const next = flags[i + 1];
    if (next === undefined || next.startsWith("--")) out[name] = "true";
    else out[name] = flags[++i];
  }
  return out;
}
