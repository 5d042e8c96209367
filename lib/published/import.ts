/**
 * Imports published aggregates (PublishedResult) in one transaction. Idempotent: rows are keyed by
 * source|benchmark|language|model|sft|smoothing and only rewritten when a value differs, so
 * importing the same file twice changes nothing. A malformed file is rejected before any write.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { inTransaction } from "../db/pool";
import { badInput } from "../errors";
import { parsePublishedCsv, type PublishedRow } from "./parse";

export const DEFAULT_SOURCE = "Huang et al. 2026 (EACL)";

/** Option counts of the benchmarks the paper reports; others must exist before their results are imported. */
const KNOWN_BENCHMARKS: Record<string, number> = { GlobalMMLU: 4, "MMLU-ProX": 10 };

export interface PublishedImportResult {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export async function importPublishedFile(
  pool: pg.Pool,
  file: string,
  source = DEFAULT_SOURCE,
): Promise<PublishedImportResult> {
  const text = await readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw badInput(e.code === "ENOENT" ? "file not found" : e.message, { file });
  });
  const rows = parsePublishedCsv(text, path.basename(file));
  return inTransaction(pool, (client) => writePublished(client, rows, source, path.basename(file)));
}

async function writePublished(
  client: pg.ClientBase,
  rows: PublishedRow[],
  source: string,
  file: string,
): Promise<PublishedImportResult> {
  const benchmarkIds = new Map<string, number>();
  for (const r of rows) {
    if (benchmarkIds.has(r.benchmark)) continue;
    const existing = await client.query<{ id: number }>(`SELECT "id" FROM "Benchmark" WHERE "name" = $1`, [r.benchmark]);
    if (existing.rows[0]) benchmarkIds.set(r.benchmark, existing.rows[0].id);
    else if (KNOWN_BENCHMARKS[r.benchmark]) {
      const ins = await client.query<{ id: number }>(
        `INSERT INTO "Benchmark" ("name", "optionCount") VALUES ($1, $2) RETURNING "id"`,
        [r.benchmark, KNOWN_BENCHMARKS[r.benchmark]],
      );
      benchmarkIds.set(r.benchmark, ins.rows[0].id);
    } else {
      throw badInput(`unknown benchmark "${r.benchmark}" (import its questions or runs first)`, { file, line: r.line, field: "benchmark" });
    }
  }
  const languages = await client.query<{ code: string }>(`SELECT "code" FROM "Language"`);
  const known = new Set(languages.rows.map((l) => l.code));
  for (const r of rows) {
    if (r.language && !known.has(r.language)) {
      throw badInput(`unknown language "${r.language}"`, { file, line: r.line, field: "language" });
    }
  }
  const col = <T>(f: (r: PublishedRow) => T) => rows.map(f);
  const res = await client.query<{ inserted: boolean }>(
    `INSERT INTO "PublishedResult"
       ("key", "source", "benchmarkId", "languageCode", "family", "sftDataset", "smoothing",
        "accuracy", "entropy", "ece", "rms", "sourceTable")
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::float8[],
                          $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[], $12::text[])
     ON CONFLICT ("key") DO UPDATE SET
       "accuracy" = EXCLUDED."accuracy", "entropy" = EXCLUDED."entropy", "ece" = EXCLUDED."ece",
       "rms" = EXCLUDED."rms", "sourceTable" = EXCLUDED."sourceTable"
     WHERE ("PublishedResult"."accuracy"::text, "PublishedResult"."entropy"::text, "PublishedResult"."ece"::text,
            "PublishedResult"."rms"::text, "PublishedResult"."sourceTable")
       IS DISTINCT FROM (EXCLUDED."accuracy"::text, EXCLUDED."entropy"::text, EXCLUDED."ece"::text,
            EXCLUDED."rms"::text, EXCLUDED."sourceTable")
     RETURNING (xmax = 0) AS inserted`,
    [
      col((r) => [source, r.benchmark, r.language ?? "*", r.model, r.sftDataset ?? "", r.smoothing ?? ""].join("|")),
      col(() => source),
      col((r) => benchmarkIds.get(r.benchmark)!),
      col((r) => r.language),
      col((r) => r.model),
      col((r) => r.sftDataset),
      col((r) => (r.smoothing === null ? null : Number(r.smoothing))),
      col((r) => r.accuracy),
      col((r) => r.entropy),
      col((r) => r.ece),
      col((r) => r.rms),
      col((r) => r.sourceTable),
    ],
  );
  const inserted = res.rows.filter((r) => r.inserted).length;
  const updated = res.rows.length - inserted;
  return { rows: rows.length, inserted, updated, unchanged: rows.length - inserted - updated };
}
