import "server-only";
/**
 * Averages over languages done both ways (issue 14 §4), per configuration of one benchmark:
 *  - measured runs (latest completed/running run per model × language, as the other views):
 *    macro = mean of the per-language RunLanguageStats, micro = the pooled predictions' metrics rebuilt
 *    exactly from the per-language equal-width bins (lib/calibration/averages.ts). Pooled equal-mass ECE/RMS
 *    (microEqualMass) need the predictions: read per run × language as the stats were computed
 *    (lib/db/stats.ts runLanguageInput), pooled in language-code order, cached per data version.
 *  - published (Huang et al.): the mean of the paper's per-language tables beside its Table 2 row
 *    (language null), which behaves like a pooled figure.
 * Reads RunLanguageStats and PublishedResult, and the predictions of the runs shown for the pooled equal-mass figures.
 */
import type pg from "pg";
import { type Averages, type LanguageSummary, macroAverage, microAverage, microEqualMass } from "../../calibration/averages";
import { DEFAULT_BINS } from "../../calibration/binning";
import { summarizeRows } from "../../calibration/rows";
import { runLanguageInput } from "../stats";
import { versionedCache } from "../../cache/versioned";

export interface MeasuredAverages {
  model: string;
  family: string;
  sft: string | null;
  smoothing: number | null;
  macro: Averages;
  micro: Averages;
  /** Mean over languages of the equal-mass RMS (the paper's RMS convention). */
  rmsEqualMassMacro: number | null;
  /** Mean over languages of the equal-mass ECE. */
  eceEqualMassMacro: number | null;
  /** ECE and RMS over POOLED_BINS equal-mass bins of all languages' predictions pooled (null without predictions). */
  microEqualMass: { ece: number; rms: number; n: number; bins: number } | null;
}

/** Bins of the pooled equal-mass figures: the metrics convention (15), as the per-language ones. */
export const POOLED_BINS = DEFAULT_BINS;

export interface PublishedAverages {
  family: string;
  sft: string | null;
  smoothing: number | null;
  languages: number;
  /** Mean of the per-language tables. */
  macro: { accuracy: number | null; entropy: number | null; ece: number | null; rms: number | null };
  /** The paper's Table 2 row (null when it has none for this configuration). */
  table2: { accuracy: number | null; entropy: number | null; ece: number | null; rms: number | null } | null;
}

export interface AveragesData {
  benchmark: string;
  measured: MeasuredAverages[];
  published: PublishedAverages[];
}

const order = (a: { family: string; sft: string | null; smoothing: number | null }, b: typeof a) =>
  a.family.localeCompare(b.family) || (a.sft ?? "").localeCompare(b.sft ?? "") || (a.smoothing ?? -1) - (b.smoothing ?? -1);

const averagesCache = versionedCache<AveragesData>(8);

/** getAverages through the versioned cache: the pooled equal-mass figures read every prediction of the runs. */
export function getAveragesCached(pool: pg.Pool, benchmark: string): Promise<AveragesData> {
  return averagesCache(pool, benchmark, () => getAverages(pool, benchmark));
}

/** Pooled equal-mass ECE/RMS of one model over its (run, language) pairs, languages in code order. */
async function pooledEqualMass(pool: pg.Pool, parts: { runId: number; lang: string }[]): Promise<MeasuredAverages["microEqualMass"]> {
  const client = await pool.connect();
  try {
    const langs = [];
    for (const { runId, lang } of [...parts].sort((a, b) => (a.lang < b.lang ? -1 : a.lang > b.lang ? 1 : 0))) {
      const input = await runLanguageInput(client, runId, lang);
      if (!input) return null;
      const rows = summarizeRows(input);
      langs.push({ confidence: rows.confidence, correct: rows.correct });
    }
    if (langs.length === 0) return null;
    const m = microEqualMass(langs, POOLED_BINS);
    return { ece: m.ece, rms: m.rms, n: m.n, bins: m.bins };
  } finally {
    client.release();
  }
}

export async function getAverages(pool: pg.Pool, benchmark: string): Promise<AveragesData> {
  const measured = await pool.query<{
    model: string; family: string; sft: string | null; smoothing: number | null; n: number; accuracy: number; confidence: number;
    entropyBits: number | null; brier: number | null; nll: number | null; ece: number; rms: number; mce: number;
    reliability: LanguageSummary["bins"]; rms_em: number | null; ece_em: number | null; runId: number; lang: string;
  }>(
    `SELECT DISTINCT ON (r."modelId", w."languageCode")
            r."id" AS "runId", w."languageCode" AS lang, m."name" AS model, m."family", m."sftDataset" AS sft, m."smoothing", w."n", w."accuracy", w."confidence",
            w."entropyBits", w."brier", w."nll", w."ece", w."rms", w."mce", w."reliability", e."rms" AS rms_em, e."ece" AS ece_em
     FROM "Run" r
     JOIN "Benchmark" b ON b."id" = r."benchmarkId"
     JOIN "Model" m ON m."id" = r."modelId"
     JOIN "RunLanguageStats" w ON w."runId" = r."id" AND w."binning" = 'equal-width'
     LEFT JOIN "RunLanguageStats" e ON e."runId" = r."id" AND e."languageCode" = w."languageCode" AND e."binning" = 'equal-mass'
     WHERE b."name" = $1 AND r."status" IN ('completed', 'running')
     ORDER BY r."modelId", w."languageCode", r."createdAt" DESC, r."id" DESC`,
    [benchmark],
  );
  const byModel = new Map<string, { row: (typeof measured.rows)[number]; langs: LanguageSummary[]; rmsEm: (number | null)[]; eceEm: (number | null)[]; parts: { runId: number; lang: string }[] }>();
  for (const x of measured.rows) {
    let g = byModel.get(x.model);
    if (!g) byModel.set(x.model, (g = { row: x, langs: [], rmsEm: [], eceEm: [], parts: [] }));
    g.langs.push({ ...x, bins: x.reliability });
    g.rmsEm.push(x.rms_em);
    g.eceEm.push(x.ece_em);
    g.parts.push({ runId: x.runId, lang: x.lang });
  }
  const measuredOut: MeasuredAverages[] = [];
  const meanOrNull = (xs: (number | null)[]) => (xs.some((v) => v === null) ? null : (xs as number[]).reduce((s, v) => s + v, 0) / xs.length);
  for (const { row, langs, rmsEm, eceEm, parts } of byModel.values())
    measuredOut.push({
    model: row.model,
    family: row.family,
    sft: row.sft,
    smoothing: row.smoothing,
    macro: macroAverage(langs),
    micro: microAverage(langs),
    rmsEqualMassMacro: meanOrNull(rmsEm),
    eceEqualMassMacro: meanOrNull(eceEm),
      microEqualMass: await pooledEqualMass(pool, parts),
    });

  const published = await pool.query<{
    family: string; sft: string | null; smoothing: number | null; lang: string | null;
    accuracy: number | null; entropy: number | null; ece: number | null; rms: number | null;
  }>(
    `SELECT p."family", p."sftDataset" AS sft, p."smoothing", p."languageCode" AS lang, p."accuracy"::float8 AS accuracy,
            p."entropy"::float8 AS entropy, p."ece"::float8 AS ece, p."rms"::float8 AS rms
     FROM "PublishedResult" p JOIN "Benchmark" b ON b."id" = p."benchmarkId" WHERE b."name" = $1`,
    [benchmark],
  );
  const configs = new Map<string, { family: string; sft: string | null; smoothing: number | null; rows: typeof published.rows; table2: (typeof published.rows)[number] | null }>();
  for (const x of published.rows) {
    const key = `${x.family}|${x.sft ?? ""}|${x.smoothing ?? ""}`;
    let c = configs.get(key);
    if (!c) configs.set(key, (c = { family: x.family, sft: x.sft, smoothing: x.smoothing, rows: [], table2: null }));
    if (x.lang === null) c.table2 = x;
    else c.rows.push(x);
  }
  const mean = (rows: typeof published.rows, k: "accuracy" | "entropy" | "ece" | "rms") =>
    rows.length === 0 || rows.some((r) => r[k] === null) ? null : rows.reduce((s, r) => s + (r[k] as number), 0) / rows.length;
  const publishedOut: PublishedAverages[] = [...configs.values()]
    .filter((c) => c.rows.length > 0)
    .map((c) => ({
      family: c.family,
      sft: c.sft,
      smoothing: c.smoothing,
      languages: c.rows.length,
      macro: { accuracy: mean(c.rows, "accuracy"), entropy: mean(c.rows, "entropy"), ece: mean(c.rows, "ece"), rms: mean(c.rows, "rms") },
      table2: c.table2 && { accuracy: c.table2.accuracy, entropy: c.table2.entropy, ece: c.table2.ece, rms: c.table2.rms },
    }));
  return { benchmark, measured: measuredOut.sort(order), published: publishedOut.sort(order) };
}
