/**
 * Turns HeatmapData into the matrix a heatmap draws: absolute values, Δ from the base model of
 * the same family and source, or Δ between two β values of the same model family × SFT dataset.
 * Pure and shared by the chart, its CSV export and tests.
 */
import type { HeatmapColumn, HeatmapData, HeatmapLanguage } from "@/lib/db/queries/heatmap";

export type HeatmapMode = "absolute" | "delta-base" | "delta-beta";
export type RowSort = "language" | "resource" | "value";

export interface MatrixColumn {
  key: string;
  source: HeatmapColumn["source"];
  family: string;
  model: string;
  label: string;
  sftDataset: string | null;
  smoothing: number | null;
}

export interface MatrixCell {
  value: number;
  /** Exact text of the stored figure(s), for hover. */
  detail: string;
  runId?: number;
}

export interface Matrix {
  rows: HeatmapLanguage[];
  columns: MatrixColumn[];
  cells: Record<string, Record<string, MatrixCell>>;
}

const fmtBeta = (b: number | null) => (b === null ? "" : Number.isInteger(b) ? b.toFixed(1) : String(b));

export function columnLabel(c: Pick<HeatmapColumn, "source" | "model" | "sftDataset" | "smoothing">): string {
  if (c.sftDataset === null) return `${c.model} · base`;
  return `${c.source === "published" ? c.model : c.model} · ${c.sftDataset} β=${fmtBeta(c.smoothing)}`;
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

  if (mode === "absolute") {
    for (const c of data.columns) {
      const col = { ...c, label: columnLabel(c) };
      columns.push(col);
      for (const l of data.languages) {
        const v = data.values[c.key]?.[l.code];
        if (v !== undefined) put(col, l.code, { value: Number(v), detail: v, runId: data.runs[c.key]?.[l.code] });
      }
    }
  } else if (mode === "delta-base") {
    for (const c of data.columns) {
      if (!c.baseKey) continue;
      const col = { ...c, label: `Δ ${columnLabel(c)}` };
      columns.push(col);
      for (const l of data.languages) {
        const v = num(c.key, l.code);
        const b = num(c.baseKey, l.code);
        if (v === undefined || b === undefined) continue;
        put(col, l.code, {
          value: v - b,
          detail: `${data.values[c.key][l.code]} − base ${data.values[c.baseKey][l.code]}`,
          runId: data.runs[c.key]?.[l.code],
        });
      }
    }
  } else {
    const groups = new Map<string, HeatmapColumn[]>();
    for (const c of data.columns) {
      if (c.sftDataset === null) continue;
      const g = `${c.source}|${c.family}|${c.sftDataset}`;
      const list = groups.get(g);
      if (list) list.push(c);
      else groups.set(g, [c]);
    }
    for (const [g, cols] of groups) {
      const a = cols.find((c) => fmtBeta(c.smoothing) === betas.a);
      const b = cols.find((c) => fmtBeta(c.smoothing) === betas.b);
      if (!a || !b) continue;
      const col: MatrixColumn = {
        key: `${g}|${betas.b}-${betas.a}`,
        source: a.source,
        family: a.family,
        model: a.model,
        sftDataset: a.sftDataset,
        smoothing: b.smoothing,
        label: `${a.model} · ${a.sftDataset} β ${betas.b} − ${betas.a}`,
      };
      columns.push(col);
      for (const l of data.languages) {
        const va = num(a.key, l.code);
        const vb = num(b.key, l.code);
        if (va === undefined || vb === undefined) continue;
        put(col, l.code, { value: vb - va, detail: `${data.values[b.key][l.code]} − ${data.values[a.key][l.code]}` });
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
