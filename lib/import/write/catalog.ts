/**
 * Get-or-create for the rows an import hangs off: Model (with base/SFT/β), Benchmark and Language.
 * Existing rows are reused but never silently changed: a model whose stored base, SFT dataset, β or
 * family differs from what the import states is a CONFLICT.
 */
import type pg from "pg";
import { AtlasError, badInput } from "../../errors";

export interface ModelSpec {
  name: string;
  base?: string;
  sft?: string;
  beta?: number;
  family?: string;
}

interface ModelRow {
  id: number;
  name: string;
  family: string;
  baseModelId: number | null;
  sftDataset: string | null;
  smoothing: number | null;
}

async function findModel(client: pg.ClientBase, name: string): Promise<ModelRow | null> {
  const r = await client.query<ModelRow>(
    `SELECT "id", "name", "family", "baseModelId", "sftDataset", "smoothing" FROM "Model" WHERE "name" = $1`,
    [name],
  );
  return r.rows[0] ?? null;
}

/** Inserts unless another transaction just did; either way returns the stored row. */
async function insertModel(client: pg.ClientBase, m: Omit<ModelRow, "id">): Promise<ModelRow> {
  await client.query(
    `INSERT INTO "Model" ("name", "family", "baseModelId", "sftDataset", "smoothing") VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT ("name") DO NOTHING`,
    [m.name, m.family, m.baseModelId, m.sftDataset, m.smoothing],
  );
  return (await findModel(client, m.name))!;
}

export async function ensureModel(client: pg.ClientBase, spec: ModelSpec): Promise<number> {
  let base: ModelRow | null = null;
  if (spec.base !== undefined) {
    if (spec.base === spec.name) throw badInput(`a model cannot be its own base`, { field: "base" });
    base =
      (await findModel(client, spec.base)) ??
      (await insertModel(client, {
        name: spec.base,
        family: spec.family ?? spec.base,
        baseModelId: null,
        sftDataset: null,
        smoothing: null,
      }));
  }
  const wanted: Omit<ModelRow, "id"> = {
    name: spec.name,
    family: spec.family ?? base?.family ?? spec.name,
    baseModelId: base?.id ?? null,
    sftDataset: spec.sft ?? null,
    smoothing: spec.beta ?? null,
  };
  const existing = (await findModel(client, spec.name)) ?? (await insertModel(client, wanted));
  assertSameModel(existing, spec, wanted.baseModelId);
  return existing.id;
}

/** For a no-op re-import: the stated model must still match the stored one (creates nothing). */
export async function verifyModel(client: pg.ClientBase, spec: ModelSpec): Promise<void> {
  const existing = await findModel(client, spec.name);
  if (!existing) return;
  const base = spec.base !== undefined ? await findModel(client, spec.base) : null;
  assertSameModel(existing, spec, base?.id ?? null);
}

function assertSameModel(existing: ModelRow, spec: ModelSpec, baseModelId: number | null): void {
  // Only what the import states is compared: omitted flags mean "as stored".
  const clashes: string[] = [];
  if (spec.base !== undefined && existing.baseModelId !== baseModelId) clashes.push(`base model`);
  if (spec.sft !== undefined && existing.sftDataset !== spec.sft)
    clashes.push(`SFT dataset (stored: ${existing.sftDataset ?? "none"})`);
  if (spec.beta !== undefined && existing.smoothing !== spec.beta)
    clashes.push(`beta (stored: ${existing.smoothing ?? "none"})`);
  if (spec.family !== undefined && existing.family !== spec.family)
    clashes.push(`family (stored: ${existing.family})`);
  if (clashes.length > 0) {
    throw new AtlasError(
      "CONFLICT",
      `model "${spec.name}" already exists with a different ${clashes.join(", ")}`,
      { field: "model" },
    );
  }
}

/** Option counts of the benchmarks the project knows; others take --options or the largest count seen. */
export const KNOWN_OPTION_COUNTS: Record<string, number> = {
  GlobalMMLU: 4,
  "MMLU-ProX": 10,
  "ARC-Challenge": 5,
};

export interface BenchmarkRow {
  id: number;
  optionCount: number;
}

export async function findBenchmark(
  client: pg.ClientBase,
  name: string,
  options?: number,
): Promise<BenchmarkRow | null> {
  const r = await client.query<BenchmarkRow>(
    `SELECT "id", "optionCount" FROM "Benchmark" WHERE "name" = $1`,
    [name],
  );
  const b = r.rows[0] ?? null;
  if (b && options !== undefined && b.optionCount !== options) {
    throw new AtlasError(
      "CONFLICT",
      `benchmark "${name}" already exists with ${b.optionCount} options, not ${options}`,
      { field: "options" },
    );
  }
  return b;
}

export async function createBenchmark(
  client: pg.ClientBase,
  name: string,
  optionCount: number,
): Promise<BenchmarkRow> {
  await client.query(
    `INSERT INTO "Benchmark" ("name", "optionCount") VALUES ($1, $2) ON CONFLICT ("name") DO NOTHING`,
    [name, optionCount],
  );
  return (await findBenchmark(client, name))!;
}

export const LANGUAGE_CODE = /^[a-z]{2,3}$/;

/** Adds the languages not in the table as unclassified rows (name = code, script Unknown, class -1). */
export async function ensureLanguages(client: pg.ClientBase, codes: Iterable<string>): Promise<string[]> {
  const list = [...codes];
  const r = await client.query<{ code: string }>(
    `INSERT INTO "Language" ("code", "name", "script", "resourceClass")
     SELECT c, c, 'Unknown', -1 FROM unnest($1::text[]) AS c
     ON CONFLICT ("code") DO NOTHING RETURNING "code"`,
    [list],
  );
  return r.rows.map((x) => x.code);
}
