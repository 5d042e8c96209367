/**
 * The one place that reads ATLAS_* environment variables: each has a zod schema, a default and a one-line
 * description (docs/configuration.md and .env.example are checked against this table by env.test.ts; ESLint refuses
 * a direct `process.env.ATLAS_*` read anywhere else).
 *
 * Values are read per call, not once at start-up: tests and operators change limits and thresholds at run time
 * (e.g. ATLAS_IMPORT_MAX_BYTES between two imports). Parsing is cached per variable, keyed by the raw string, so a
 * read in a hot path costs one Map lookup. An empty value counts as unset (a bare `ATLAS_PG_POOL=` line in a .env file).
 * An invalid value throws an AtlasError whose message names the variable, the expected form and the value.
 */
import { z } from "zod";
import { AtlasError } from "./errors";

/** Where values come from: process.env by default, any plain object in tests. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

interface Spec<T, D extends string | undefined = string | undefined> {
  schema: z.ZodType<T>;
  /** The default as it would be written in .env.example; undefined when the default is computed (see `note`). */
  default: D;
  /** What the expected form is, for the error message ("an integer ≥ 1"). */
  expect: string;
  doc: string;
  /** The default in words when it is not a fixed string (computed or left to a library). */
  note?: string;
  /** Read by tests, bench or scripts only, never by the app, the worker or the CLI. */
  testOnly?: boolean;
}

const int = (min: number) => z.coerce.number<string>().pipe(z.int().min(min));
const flag = z.enum(["0", "1"]).transform((v) => v === "1");
const text = z.string();

function spec<T, D extends string | undefined>(
  schema: z.ZodType<T>,
  dflt: D,
  expect: string,
  doc: string,
  extra: Pick<Spec<T>, "note" | "testOnly"> = {},
): Spec<T, D> {
  return { schema, default: dflt, expect, doc, ...extra };
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export const ENV_SPECS = {
  // Database
  ATLAS_DATA_DIR: spec(text, ".atlas", "a path", "Folder of the embedded Postgres cluster and of uploads waiting for the worker (relative to the working directory)."),
  ATLAS_PG_PORT: spec(int(1).pipe(z.number().max(65535)), "54329", "a port number (1–65535)", "Port of the embedded Postgres cluster."),
  ATLAS_PG_DATABASE: spec(text, "atlas", "a database name", "Database the app uses inside the embedded cluster."),
  ATLAS_PG_KEEP: spec(flag, "0", "0 or 1", "1 leaves the embedded cluster running when the process that started it exits."),
  ATLAS_PG_POOL: spec(int(1), "8", "an integer ≥ 1", "Connections in each process's pg pool (and in each Prisma client's)."),
  ATLAS_WEB_DATABASE_URL: spec(text, undefined, "a postgres:// URL", "With an external DATABASE_URL: the least-privilege atlas_web role's URL for the web server (`calib db-roles` prints it).", { note: "unset (the embedded cluster's atlas_web role)" }),
  ATLAS_MIGRATIONS_DIR: spec(text, "prisma/migrations", "a path", "Folder of the SQL migrations `calib migrate` applies."),
  // Web server
  ATLAS_API_TOKEN: spec(text, undefined, "a string", "Bearer token of the writing API endpoints (run management, imports); unset disables them (503).", { note: "unset (writing endpoints disabled)" }),
  ATLAS_ALLOWED_HOSTS: spec(text, "", "a comma list of host or host:port", "Host names served besides localhost, 127.0.0.1 and [::1] (comma list; host:port for one port; * turns the check off)."),
  ATLAS_WEB_PROCESSES: spec(int(1), "1", "an integer ≥ 1", "`npm start`: web processes sharing one port (node:cluster), each with its own response cache and compute threads."),
  ATLAS_RESPONSE_CACHE_MB: spec(int(0), "256", "an integer ≥ 0", "`npm start`: MiB of rendered view responses kept per web process, keyed by URL, RSC headers and data version (a cached view costs about its body, 30–1,100 KiB at full size: 256 holds ≥ 230 of the largest); 0 turns the cache off."),
  ATLAS_SEED: spec(flag, "1", "0 or 1", "`npm run demo`: 0 skips seeding the demo data."),
  ATLAS_WORKER: spec(flag, "1", "0 or 1", "`npm run demo`: 0 starts no worker next to the web server."),
  ATLAS_ROOT: spec(text, undefined, "a path", "Repository root, for locating lib/compute/compute-thread.mjs when the working directory is elsewhere.", { note: "the working directory" }),
  ATLAS_COMPUTE_THREADS: spec(int(1), undefined, "an integer ≥ 1", "Threads of the web server's compute pool (significance bootstrap, recalibration what-if).", { note: "CPU cores − 1, at least 1" }),
  ATLAS_COMPUTE_QUEUE: spec(int(0), "16", "an integer ≥ 0", "Tasks that may wait for a compute thread before requests get 503 + Retry-After."),
  ATLAS_STATS_THREADS: spec(int(0), undefined, "an integer ≥ 0", "Compute threads for the statistics of an import or a worker's split (languages, or a language's resamples, in parallel at normal priority; 0 or 1 = in-process). Statistics of fewer than 50,000 predictions always run in-process.", { note: "CPU cores" }),
  // Worker
  ATLAS_WORKER_CONCURRENCY: spec(int(1), "1", "an integer ≥ 1", "Evaluation jobs one worker runs at once (each holds a model in memory)."),
  ATLAS_WORKER_THROTTLE_MS: spec(int(0), undefined, "an integer ≥ 0", "Pause between scored batches (ms), so a demo's worker leaves the CPU to the web server.", { note: "0; `npm run demo` while seeding: 1000" }),
  ATLAS_WORKER_FLUSH_MS: spec(int(1), "2000", "an integer ≥ 1", "How often (ms) an evaluation writes its scored predictions and progress."),
  ATLAS_JOB_EXPIRE_S: spec(int(1), "14400", "an integer ≥ 1", "Seconds an evaluation job may stay running before pg-boss retries it."),
  ATLAS_QUEUE_MAINTENANCE_S: spec(int(1), "60", "an integer ≥ 1", "Seconds between pg-boss maintenance passes (expiry, retries)."),
  ATLAS_SPLIT_STALE_S: spec(z.coerce.number<string>().pipe(z.number().positive()), "60", "a number > 0", "Seconds without a heartbeat after which a running split counts as abandoned and is queued again."),
  ATLAS_MODELS_DIR: spec(text, undefined, "a path", "Folder every registered ONNX model must lie in (relative values: from the repository root).", { note: "<repo>/models" }),
  ATLAS_EP: spec(z.string().transform((s) => s.trim().toLowerCase()).pipe(z.enum(["auto", "cpu", "cuda"])), "auto", "auto, cpu or cuda", "onnxruntime execution provider: auto tries CUDA then CPU; cpu or cuda force one."),
  ATLAS_CUDA_DEVICE: spec(int(0), undefined, "an integer ≥ 0", "CUDA device ordinal for the cuda provider.", { note: "0" }),
  ATLAS_ORT_THREADS: spec(int(0), undefined, "an integer ≥ 0", "Intra-op threads of the CPU provider.", { note: "onnxruntime's (all cores)" }),
  ATLAS_ORT_THREAD: spec(flag, undefined, "0 or 1", "1/0 forces whether a model session runs in its own thread.", { note: "own thread with CUDA only" }),
  // Import
  ATLAS_IMPORT_MAX_BYTES: spec(int(1), String(20 * GIB), "an integer ≥ 1", "Largest accepted input file (bytes)."),
  ATLAS_IMPORT_MAX_LINE_BYTES: spec(int(1), String(16 * MIB), "an integer ≥ 1", "Longest accepted input line (bytes, without the newline)."),
  ATLAS_IMPORT_DIRECT_BYTES: spec(int(0), String(8 * MIB), "an integer ≥ 0", "Input size (bytes) from which an import tries the direct path into the tables."),
  ATLAS_IMPORT_TABLE_LOCK_ROWS: spec(int(0), "50000", "an integer ≥ 0", "Rows from which an import locks the predictions table and skips the FK triggers."),
  ATLAS_IMPORT_FK_TRIGGERS: spec(flag, "0", "0 or 1", "1 always keeps the FK triggers (escape hatch for the fast path)."),
  ATLAS_IMPORT_WORK_MEM: spec(z.string().regex(/^\d+\s*(?:[kMGT]B)?$/), "256MB", "a Postgres memory size (e.g. 256MB)", "work_mem of the import's transaction (sorting and hashing of the catalog)."),
  ATLAS_IMPORT_EXPIRE_S: spec(int(1), "7200", "an integer ≥ 1", "Seconds an API import job may stay running before it is retried."),
  ATLAS_IMPORT_CONCURRENCY: spec(int(0), "1", "an integer ≥ 0", "API import jobs one worker runs at once (0: none)."),
  ATLAS_PLAUT_DIR: spec(text, "data/plaut2024", "a path", "Folder of the Plaut et al. (2024) data the demo imports."),
  // Upload (POST /api/imports)
  ATLAS_UPLOAD_MAX_FILE_BYTES: spec(int(1), String(2 * GIB), "an integer ≥ 1", "Largest uploaded file (bytes; never above ATLAS_IMPORT_MAX_BYTES)."),
  ATLAS_UPLOAD_MAX_FILES: spec(int(1), "64", "an integer ≥ 1", "Most files in one upload request."),
  ATLAS_UPLOAD_MAX_TOTAL_BYTES: spec(int(1), String(4 * GIB), "an integer ≥ 1", "Largest upload request body (bytes, all files and fields)."),
  ATLAS_UPLOAD_MIN_FREE_BYTES: spec(int(0), String(GIB), "an integer ≥ 0", "Free space (bytes) the data folder must keep after an upload (else 507)."),
  // Tests and bench
  ATLAS_TEST_PG_PORT: spec(int(1).pipe(z.number().max(65535)), "24339", "a port number (1–65535)", "Port of the test Postgres cluster; the fault tests' clusters on this + 1000 + n. Below 32768: Linux hands 32768–60999 to outgoing connections, one of which could hold a cluster's port as it restarts.", { testOnly: true }),
  ATLAS_TEST_DATA_DIR: spec(text, ".atlas-test", "a path", "Folder of the test Postgres cluster.", { testOnly: true }),
  ATLAS_STATS_PERF: spec(flag, "0", "0 or 1", "1 runs the 1M-prediction statistics test.", { testOnly: true }),
  ATLAS_SCREENSHOTS_DIR: spec(text, undefined, "a path", "Where the docs-screenshots browser test writes PNGs.", { note: "unset (test skipped)", testOnly: true }),
  ATLAS_SCREENSHOTS_PREFIX: spec(text, "", "a string", "File-name prefix of those screenshots.", { testOnly: true }),
} satisfies Record<string, Spec<unknown>>;

export type EnvName = keyof typeof ENV_SPECS;
type Parsed<K extends EnvName> = (typeof ENV_SPECS)[K] extends Spec<infer T, string | undefined> ? T : never;
/** A variable's value: undefined only for variables whose default is computed by the caller (`note`). */
export type EnvValue<K extends EnvName> = (typeof ENV_SPECS)[K]["default"] extends string ? Parsed<K> : Parsed<K> | undefined;

const cache = new Map<EnvName, { raw: string | undefined; value: unknown }>();

/** The value of one ATLAS_* variable, validated, read now from `source` (process.env by default). */
export function readEnv<K extends EnvName>(name: K, source: EnvSource = process.env): EnvValue<K> {
  const given = source[name];
  const raw = given === undefined || given === "" ? undefined : given;
  const hit = cache.get(name);
  if (hit && hit.raw === raw) return hit.value as EnvValue<K>;
  const value = parse(name, raw);
  cache.set(name, { raw, value });
  return value as EnvValue<K>;
}

/** Whether the variable is set (non-empty): for callers whose default depends on other settings. */
export function isEnvSet(name: EnvName, source: EnvSource = process.env): boolean {
  const v = source[name];
  return v !== undefined && v !== "";
}

function parse(name: EnvName, raw: string | undefined): unknown {
  const s: Spec<unknown> = ENV_SPECS[name] as Spec<unknown>;
  const input = raw ?? s.default;
  if (input === undefined) return undefined;
  const r = s.schema.safeParse(input);
  if (!r.success) throw new AtlasError("INTERNAL", `${name} must be ${s.expect} (got "${input}")`);
  return r.data;
}

/** Every variable, validated at once: what `calib` and the servers could check at start-up. Throws on the first bad one. */
export function validateEnv(source: EnvSource = process.env): void {
  for (const name of Object.keys(ENV_SPECS) as EnvName[]) readEnv(name, source);
}
