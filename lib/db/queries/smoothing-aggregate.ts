/**
 * Label smoothing (β) comparison, the aggregation: from per-language cells (published figures and measured
 * runs) to the per-language and average panels and the headline table. Pure (no database): lib/db/queries/
 * smoothing.ts loads the cells, smoothing-significance.ts runs the on-request per-language bootstrap.
 *  - average over languages: paired t-test across languages (lib/calibration pairedTTest);
 *  - one language, published figures: no test is possible (a single number per configuration).
 */
import { pairedTTest } from "../../calibration/t-test";
import { PAPER_METRICS, type PaperMetric } from "../../calibration/registry";
import { formatBeta } from "../../format";

/** The paper's four metrics (lib/calibration/registry.ts). */
export const SMOOTHING_METRICS = PAPER_METRICS;
export type SmoothingMetric = PaperMetric;
export const ALPHA = 0.05;

export interface Cell {
  source: "published" | "measured";
  family: string;
  model: string;
  sft: string | null;
  beta: number | null;
  language: string;
  runId: number | null;
  values: Record<SmoothingMetric, number | null>;
  /** Exact published text. */
  text: Partial<Record<SmoothingMetric, string | null>>;
}

export interface SmoothingPoint {
  beta: string;
  /** Model name (published: the family). */
  model: string;
  runId: number | null;
  value: Record<SmoothingMetric, number | null>;
  text: Partial<Record<SmoothingMetric, string | null>>;
  /** Languages behind an average. */
  n: number;
  /** Versus β = 0 (null for β = 0 itself, or when no test is possible). */
  test: "t-test" | "bootstrap" | null;
  p: Partial<Record<SmoothingMetric, number | null>>;
}

export interface SmoothingSeries {
  key: string;
  source: "published" | "measured";
  family: string;
  sft: string;
  /** The base model's value (horizontal reference line). */
  base: Record<SmoothingMetric, number | null>;
  baseModel: string | null;
  points: SmoothingPoint[];
}

export interface SmoothingPanel {
  /** "avg" or a language code. */
  language: string;
  label: string;
  series: SmoothingSeries[];
}

export interface HeadlineRow {
  source: "published" | "measured";
  family: string;
  sft: string;
  /** Languages paired in the test. */
  n: number;
  a: Record<SmoothingMetric, number | null>;
  b: Record<SmoothingMetric, number | null>;
  p: Record<SmoothingMetric, number | null>;
  /** The paper's own averages (PublishedResult with no language), when present. */
  paperA: Partial<Record<SmoothingMetric, string | null>>;
  paperB: Partial<Record<SmoothingMetric, string | null>>;
}

export interface SmoothingData {
  benchmark: string;
  betas: string[];
  panels: SmoothingPanel[];
  headline: HeadlineRow[];
  betaA: string;
  betaB: string;
  facets: {
    families: string[];
    sftDatasets: string[];
    languages: { code: string; name: string }[];
    sources: string[];
  };
}

export interface SmoothingQuery {
  benchmark: string;
  sources: ("published" | "measured")[];
  families: string[];
  sft: string[];
  languages: string[];
  betaA: string;
  betaB: string;
  /** Slice of the questions (lib/slices/slice.ts; default all): measured cells from RunSliceStats, no published. */
  slice?: string;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** Paired t-test of metric(β) vs metric(β0) over the languages that have both; p-value or null. */
function tTest(
  byLangA: Map<string, Cell>,
  byLangB: Map<string, Cell>,
  m: SmoothingMetric,
): { p: number | null; n: number } {
  const a: number[] = [];
  const b: number[] = [];
  for (const [lang, ca] of byLangA) {
    const cb = byLangB.get(lang);
    const va = ca.values[m];
    const vb = cb?.values[m];
    if (va === null || vb === null || vb === undefined) continue;
    a.push(va);
    b.push(vb);
  }
  if (a.length < 2) return { p: null, n: a.length };
  const r = pairedTTest(b, a);
  return { p: Number.isNaN(r.pValue) ? null : r.pValue, n: a.length };
}

/** Panels (average, then each requested language) and the headline table from the loaded cells. */
export function aggregateSmoothing(
  q: SmoothingQuery,
  all: Cell[],
  paper: Cell[],
  languageNames: Map<string, string>,
): SmoothingData {
  const keepCfg = (c: Cell) =>
    (!q.families.length || q.families.includes(c.family)) &&
    (c.sft === null || !q.sft.length || q.sft.includes(c.sft));
  const cells = all.filter(keepCfg);

  // group: source|family|sft|β → language → cell
  const groups = new Map<string, Map<string, Cell>>();
  const gkey = (c: Pick<Cell, "source" | "family" | "sft" | "beta">) =>
    `${c.source}|${c.family}|${c.sft ?? ""}|${c.sft === null ? "base" : formatBeta(c.beta)}`;
  for (const c of cells) {
    const k = gkey(c);
    if (!groups.has(k)) groups.set(k, new Map());
    groups.get(k)!.set(c.language, c);
  }
  const configs = new Map<
    string,
    { source: Cell["source"]; family: string; sft: string; betas: Set<string> }
  >();
  for (const c of cells) {
    // Base models are the reference line; tuned models with no β recorded are not on the β axis at all.
    if (c.sft === null || c.beta === null) continue;
    const k = `${c.source}|${c.family}|${c.sft}`;
    if (!configs.has(k)) configs.set(k, { source: c.source, family: c.family, sft: c.sft, betas: new Set() });
    configs.get(k)!.betas.add(formatBeta(c.beta));
  }
  const betas = [...new Set([...configs.values()].flatMap((c) => [...c.betas]))].sort(
    (a, b) => Number(a) - Number(b),
  );
  const zero = betas.includes("0.0") ? "0.0" : betas[0];
  const ordered = [...configs.entries()].sort(([a], [b]) => a.localeCompare(b));

  const avgValue = (byLang: Map<string, Cell> | undefined, m: SmoothingMetric) =>
    byLang
      ? mean([...byLang.values()].flatMap((c) => (c.values[m] === null ? [] : [c.values[m] as number])))
      : null;

  const panels: SmoothingPanel[] = [];
  for (const language of ["avg", ...q.languages]) {
    const series: SmoothingSeries[] = [];
    for (const [k, cfg] of ordered) {
      const baseGroup = groups.get(`${cfg.source}|${cfg.family}||base`);
      const ref = groups.get(`${k}|${zero}`);
      const points: SmoothingPoint[] = [];
      for (const beta of betas) {
        const g = groups.get(`${k}|${beta}`);
        if (!g) continue;
        if (language === "avg") {
          const value = {} as Record<SmoothingMetric, number | null>;
          const p: SmoothingPoint["p"] = {};
          let n = 0;
          for (const m of SMOOTHING_METRICS) {
            value[m] = avgValue(g, m);
            if (beta !== zero && ref) {
              const t = tTest(ref, g, m);
              p[m] = t.p;
              n = Math.max(n, t.n);
            }
          }
          points.push({
            beta,
            model: [...g.values()][0].model,
            runId: null,
            value,
            text: {},
            n: beta === zero ? g.size : n,
            test: beta === zero ? null : "t-test",
            p,
          });
        } else {
          const c = g.get(language);
          if (!c) continue;
          points.push({
            beta,
            model: c.model,
            runId: c.runId,
            value: c.values,
            text: c.text,
            n: 1,
            test: null,
            p: {},
          });
        }
      }
      if (!points.length) continue;
      const baseCell = language === "avg" ? null : baseGroup?.get(language);
      series.push({
        key: k,
        source: cfg.source,
        family: cfg.family,
        sft: cfg.sft,
        base: Object.fromEntries(
          SMOOTHING_METRICS.map((m) => [
            m,
            language === "avg" ? avgValue(baseGroup, m) : (baseCell?.values[m] ?? null),
          ]),
        ) as Record<SmoothingMetric, number | null>,
        baseModel:
          language === "avg"
            ? baseGroup
              ? [...baseGroup.values()][0].model
              : null
            : (baseCell?.model ?? null),
        points,
      });
    }
    panels.push({
      language,
      label:
        language === "avg"
          ? "Average over languages"
          : `${languageNames.get(language) ?? language} (${language})`,
      series,
    });
  }

  // Headline (Table 1): per source × family × SFT dataset, β = betaA vs betaB averaged over languages, paired t-tests.
  const headline: HeadlineRow[] = [];
  for (const [k, cfg] of ordered) {
    const ga = groups.get(`${k}|${q.betaA}`);
    const gb = groups.get(`${k}|${q.betaB}`);
    if (!ga || !gb) continue;
    const row: HeadlineRow = {
      source: cfg.source,
      family: cfg.family,
      sft: cfg.sft,
      n: 0,
      a: {} as HeadlineRow["a"],
      b: {} as HeadlineRow["b"],
      p: {} as HeadlineRow["p"],
      paperA: {},
      paperB: {},
    };
    for (const m of SMOOTHING_METRICS) {
      // Means over the languages that have both, so that the columns compare like with like.
      const pa: number[] = [];
      const pb: number[] = [];
      for (const [lang, ca] of ga) {
        const vb = gb.get(lang)?.values[m];
        if (ca.values[m] === null || vb === null || vb === undefined) continue;
        pa.push(ca.values[m] as number);
        pb.push(vb);
      }
      row.a[m] = mean(pa);
      row.b[m] = mean(pb);
      row.n = Math.max(row.n, pa.length);
      row.p[m] = pa.length >= 2 ? pairedTTest(pb, pa).pValue : null;
      if (row.p[m] !== null && Number.isNaN(row.p[m])) row.p[m] = null;
    }
    if (cfg.source === "published") {
      const find = (beta: string) =>
        paper.find((c) => c.family === cfg.family && c.sft === cfg.sft && formatBeta(c.beta) === beta);
      row.paperA = find(q.betaA)?.text ?? {};
      row.paperB = find(q.betaB)?.text ?? {};
    }
    headline.push(row);
  }

  const facetLangs = [...new Set(all.map((c) => c.language))].filter((l) => l !== "avg").sort();
  return {
    benchmark: q.benchmark,
    betas,
    panels,
    headline,
    betaA: q.betaA,
    betaB: q.betaB,
    facets: {
      families: [...new Set(all.map((c) => c.family))].sort(),
      sftDatasets: [...new Set(all.flatMap((c) => (c.sft ? [c.sft] : [])))].sort(),
      languages: facetLangs.map((code) => ({ code, name: languageNames.get(code) ?? code })),
      sources: [...new Set(all.map((c) => c.source))],
    },
  };
}

