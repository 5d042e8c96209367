/**
 * Turns HeatmapData into the matrix a heatmap draws: absolute values, Δ from the base model of
 * the same family and source, or Δ between two β values of the same model family × SFT dataset.
 * Pure and shared by the chart, its CSV export and tests.
 */
import type { HeatmapColumn, HeatmapData, HeatmapLanguage } from "@/lib/db/queries/heatmap";
import { configLabel, configShortLabel, FEW_QUESTIONS } from "@/lib/view-state/config";
import { cleanFloat, decimalDifference, formatBeta } from "@/lib/format";

/** A measured cell resting on few questions is flagged (⚠) and kept out of the colour scale. */
export { FEW_QUESTIONS };

export type HeatmapMode = "absolute" | "delta-base" | "delta-beta";
export type RowSort = "language" | "resource" | "value";

export interface MatrixColumn {
  key: string;
  source: HeatmapColumn["source"];
  family: string;
  model: string;
  label: string;
  /** The configuration without the family: "base", "chat", "OpenHermes β=0.1" (the header's second level). */
  short: string;
  sftDataset: string | null;
  smoothing: number | null;
  /** Largest n behind a measured column's cells (null: published). */
  maxN: number | null;
}

export interface MatrixCell {
  value: number;
  /** The value as exact text: the published decimal (or its decimal Δ), or the measured float without artefacts. */
  text: string;
  /** Exact text of the stored figure(s), for hover. */
  detail: string;
  runId?: number;
  /** Questions behind a measured value (the smaller side for a Δ). */
  n?: number;
}

export interface Matrix {
  rows: HeatmapLanguage[];
  columns: MatrixColumn[];
  cells: Record<string, Record<string, MatrixCell>>;
}

export function columnLabel(c: Pick<HeatmapColumn, "model" | "sftDataset" | "smoothing">): string {
  return configLabel(c);
}

export function buildMatrix(
  data: HeatmapData,
  mode: HeatmapMode,
  sort: RowSort,
  betas: { a: string; b: string } = { a: "0.0", b: "0.1" },
): Matrix {
  const cells: Matrix["cells"] = {};
  const columns: MatrixColumn[] = [];
  const num = (key: string, lang: string) => {
    const v = data.values[key]?.[lang];
    return v === undefined ? undefined : Number(v);
  };
  const put = (col: MatrixColumn, lang: string, cell: MatrixCell) => ((cells[col.key] ??= {})[lang] = cell);
  const n = (key: string, lang: string) => data.counts?.[key]?.[lang];
  const maxN = (...keys: string[]) => {
    const ns = keys.flatMap((k) => Object.values(data.counts?.[k] ?? {}));
    return ns.length ? Math.max(...ns) : null;
  };
  const text = (key: string, lang: string) => {
    const v = data.values[key][lang];
    return data.runs[key]?.[lang] === undefined ? v : cleanFloat(Number(v));
  };
  const minN = (...xs: (number | undefined)[]) => {
    const d = xs.filter((x): x is number => x !== undefined);
    return d.length ? Math.min(...d) : undefined;
  };
  const delta = (key: string, ref: string, lang: string) => {
    const t = decimalDifference(text(key, lang), text(ref, lang));
    return { value: Number(t), text: t };
  };

  if (mode === "absolute") {
    for (const c of data.columns) {
      const col = { ...c, label: columnLabel(c), short: configShortLabel(c), maxN: maxN(c.key) };
      columns.push(col);
      for (const l of data.languages) {
        const v = data.values[c.key]?.[l.code];
        if (v !== undefined)
          put(col, l.code, { value: Number(v), text: text(c.key, l.code), detail: text(c.key, l.code), runId: data.runs[c.key]?.[l.code], n: n(c.key, l.code) });
      }
    }
  } else if (mode === "delta-base") {
    for (const c of data.columns) {
      if (!c.baseKey) continue;
      const col = { ...c, label: `Δ ${columnLabel(c)}`, short: configShortLabel(c), maxN: maxN(c.key, c.baseKey) };
      columns.push(col);
      for (const l of data.languages) {
        if (num(c.key, l.code) === undefined || num(c.baseKey, l.code) === undefined) continue;
        put(col, l.code, {
          ...delta(c.key, c.baseKey, l.code),
          detail: `${text(c.key, l.code)} − base ${text(c.baseKey, l.code)}`,
          runId: data.runs[c.key]?.[l.code],
          n: minN(n(c.key, l.code), n(c.baseKey, l.code)),
        });
      }
    }
  } else {
    const groups = new Map<string, HeatmapColumn[]>();
    for (const c of data.columns) {
      // Only models with a β recorded are on the β axis.
      if (c.sftDataset === null || c.smoothing === null) continue;
      const g = `${c.source}|${c.family}|${c.sftDataset}`;
      const list = groups.get(g);
      if (list) list.push(c);
      else groups.set(g, [c]);
    }
    for (const [g, cols] of groups) {
      const a = cols.find((c) => formatBeta(c.smoothing) === betas.a);
      const b = cols.find((c) => formatBeta(c.smoothing) === betas.b);
      if (!a || !b) continue;
      const col: MatrixColumn = {
        key: `${g}|${betas.b}-${betas.a}`,
        source: a.source,
        family: a.family,
        model: a.model,
        sftDataset: a.sftDataset,
        smoothing: b.smoothing,
        label: `${a.model} · ${a.sftDataset} β ${betas.b} − ${betas.a}`,
        short: `${a.sftDataset} β ${betas.b} − ${betas.a}`,
        maxN: maxN(a.key, b.key),
      };
      columns.push(col);
      for (const l of data.languages) {
        if (num(a.key, l.code) === undefined || num(b.key, l.code) === undefined) continue;
        put(col, l.code, {
          ...delta(b.key, a.key, l.code),
          detail: `${text(b.key, l.code)} − ${text(a.key, l.code)}`,
          n: minN(n(a.key, l.code), n(b.key, l.code)),
        });
      }
    }
  }

  const rows = [...data.languages];
  if (sort === "resource") rows.sort((x, y) => y.resourceClass - x.resourceClass || x.name.localeCompare(y.name));
  else if (sort === "value") {
    const mean = (code: string) => {
      const vs = columns.map((c) => cells[c.key]?.[code]?.value).filter((v): v is number => v !== undefined);
      return vs.length ? vs.reduce((s, v) => s + v, 0) / vs.length : -Infinity;
    };
    rows.sort((x, y) => mean(y.code) - mean(x.code) || x.code.localeCompare(y.code));
  } else rows.sort((x, y) => x.name.localeCompare(y.name));
  return { rows, columns, cells };
}
