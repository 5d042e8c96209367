import type { ResultMetric, ResultsData, TextColumn } from "@/lib/db/queries/results-columns";

/**
 * Pure helpers of the results table: URL encodings of sorting and column filters, the filter
 * predicates, and number formatting. Shared by the table, its CSV export and tests.
 */

export interface SortEntry {
  id: string;
  desc: boolean;
}

export function parseSortBy(list: string[]): SortEntry[] {
  return list.map((s) => {
    const [id, dir] = s.split(":");
    return { id, desc: dir === "desc" };
  });
}

export function formatSortBy(sorting: SortEntry[]): string[] {
  return sorting.map((s) => `${s.id}:${s.desc ? "desc" : "asc"}`);
}

export interface FilterEntry {
  id: string;
  value: string;
}

/** `cf` = "col:value;col:value" (the first ":" separates the column id). */
export function parseColumnFilters(cf: string): FilterEntry[] {
  return cf
    .split(";")
    .map((e) => e.trim())
    .filter(Boolean)
    .flatMap((e) => {
      const k = e.indexOf(":");
      if (k <= 0) return [];
      const value = e.slice(k + 1);
      return value ? [{ id: e.slice(0, k), value }] : [];
    });
}

export function formatColumnFilters(filters: FilterEntry[]): string {
  return filters
    .filter((f) => f.value !== "" && f.value !== undefined)
    .map((f) => `${f.id}:${f.value}`)
    .join(";");
}

/** Text filter: case-insensitive "contains"; `a|b` matches either; `=x` matches exactly. */
export function matchText(value: unknown, filter: string): boolean {
  const s = value === null || value === undefined ? "" : String(value).toLowerCase();
  return filter
    .split("|")
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean)
    .some((f) => (f.startsWith("=") ? s === f.slice(1) : s.includes(f)));
}

/** Numeric filter: `lo..hi`, `lo..`, `..hi`, `>x`, `<x`, or a number (equal). Null values never match. */
export function matchRange(value: unknown, filter: string): boolean {
  if (value === null || value === undefined || value === "") return false;
  const v = Number(value);
  const f = filter.trim();
  // Split at the first "..", then check each side: one regex over the whole filter backtracks polynomially.
  const dots = f.indexOf("..");
  const bound = /^-?[\d.]*$/;
  const [a, b] = dots < 0 ? ["", ""] : [f.slice(0, dots).trim(), f.slice(dots + 2).trim()];
  if (dots >= 0 && bound.test(a) && bound.test(b)) {
    const lo = a === "" ? -Infinity : Number(a);
    const hi = b === "" ? Infinity : Number(b);
    return v >= lo && v <= hi;
  }
  if (f.startsWith(">=")) return v >= Number(f.slice(2));
  if (f.startsWith("<=")) return v <= Number(f.slice(2));
  if (f.startsWith(">")) return v > Number(f.slice(1));
  if (f.startsWith("<")) return v < Number(f.slice(1));
  return Number.isFinite(Number(f)) ? v === Number(f) : true;
}

export const fmt4 = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? "" : v.toFixed(4);

/**
 * `open` = the expanded group rows: TanStack's ExpandedState (`true` for all, else row id → expanded) as the ids of
 * the expanded rows, each URI-encoded (group values may hold commas), comma-separated; `*` for all.
 */
export function parseExpanded(open: string): true | Record<string, boolean> {
  if (open === "*") return true;
  const out: Record<string, boolean> = {};
  for (const part of open.split(",")) {
    if (!part) continue;
    try {
      out[decodeURIComponent(part)] = true;
    } catch {
      // a malformed escape from a hand-edited link: that row just stays collapsed
    }
  }
  return out;
}

export function formatExpanded(expanded: true | Record<string, boolean>): string {
  if (expanded === true) return "*";
  return Object.entries(expanded)
    .filter(([, on]) => on)
    .map(([id]) => encodeURIComponent(id))
    .join(",");
}

/** The table-local keys (sortBy, group, cf, open) as the address bar has them now (they change without navigation). */
export function tableKeysFromLocation(): { sortBy: string[]; group: string[]; cf: string; open: string } | null {
  if (typeof window === "undefined") return null;
  const sp = new URLSearchParams(window.location.search);
  const list = (k: string) => (sp.get(k) ?? "").split(",").filter(Boolean);
  return { sortBy: list("sortBy"), group: list("group"), cf: sp.get("cf") ?? "", open: sp.get("open") ?? "" };
}


/**
 * ResultsData as sent to the browser: categorical columns dictionary-encoded ([distinct values, index per
 * row]); metric values only where there is no exact published text (the client reads those from the
 * text). Lossless; decodeResults gives back the ResultsData.
 */
export interface ResultsWire {
  count: number;
  columns: string[];
  cat: Partial<Record<TextColumn, [(string | number | null)[], number[]]>>;
  /** Per metric: [offset, values…] — the run of rows from the first to the last non-null value. */
  val: Partial<Record<ResultMetric, Trimmed<number>>>;
  text: Partial<Record<ResultMetric, Trimmed<string>>>;
  lo: Partial<Record<ResultMetric, Trimmed<number>>>;
  hi: Partial<Record<ResultMetric, Trimmed<number>>>;
}

/** [offset, values…]: a column without its leading and trailing nulls (published and measured rows are grouped). */
type Trimmed<T> = (number | T | null)[];

function trim<T>(xs: (T | null)[]): Trimmed<T> {
  let a = 0;
  let b = xs.length;
  while (a < b && xs[a] === null) a++;
  while (b > a && xs[b - 1] === null) b--;
  return [a, ...xs.slice(a, b)];
}

function untrim<T>(t: Trimmed<T>, n: number): (T | null)[] {
  const out = new Array<T | null>(n).fill(null);
  const a = t[0] as number;
  for (let i = 1; i < t.length; i++) out[a + i - 1] = t[i] as T | null;
  return out;
}

function mapRecord<K extends string, A, B>(r: Partial<Record<K, A>>, f: (a: A) => B): Partial<Record<K, B>> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, f(v as A)])) as Partial<Record<K, B>>;
}

export function encodeResults(d: ResultsData): ResultsWire {
  const cat: ResultsWire["cat"] = {};
  for (const [c, values] of Object.entries(d.cat) as [TextColumn, (string | number | null)[]][]) {
    if (!values.length) continue;
    const dict = new Map<string | number | null, number>();
    const idx = values.map((v) => {
      let k = dict.get(v);
      if (k === undefined) dict.set(v, (k = dict.size));
      return k;
    });
    cat[c] = [[...dict.keys()], idx];
  }
  const val: ResultsWire["val"] = {};
  for (const [m, vs] of Object.entries(d.val) as [ResultMetric, (number | null)[]][]) {
    const t = d.text[m];
    val[m] = trim(t ? vs.map((v, i) => (t[i] !== null ? null : v)) : vs);
  }
  return {
    count: d.count,
    columns: d.columns,
    cat,
    val,
    text: mapRecord(d.text, (x) => trim(x as (string | null)[])),
    lo: mapRecord(d.lo, (x) => trim(x as (number | null)[])),
    hi: mapRecord(d.hi, (x) => trim(x as (number | null)[])),
  };
}

export function decodeResults(w: ResultsWire): ResultsData {
  const cat = {} as ResultsData["cat"];
  for (const [c, enc] of Object.entries(w.cat) as [TextColumn, [(string | number | null)[], number[]]][])
    cat[c] = enc[1].map((k) => enc[0][k]);
  const n = w.count;
  const text = mapRecord(w.text, (x) => untrim(x as Trimmed<string>, n));
  const val: ResultsData["val"] = {};
  for (const [m, packed] of Object.entries(w.val) as [ResultMetric, Trimmed<number>][]) {
    const vs = untrim(packed, n);
    const t = text[m];
    val[m] = t ? vs.map((v, i) => (t[i] !== null ? Number(t[i]) : v)) : vs;
  }
  return {
    count: n,
    columns: w.columns,
    cat,
    val,
    text,
    lo: mapRecord(w.lo, (x) => untrim(x as Trimmed<number>, n)),
    hi: mapRecord(w.hi, (x) => untrim(x as Trimmed<number>, n)),
  };
}

/**
 * What a group row shows in a column it neither groups nor aggregates: the value its rows share, or nothing
 * (`mixed`) where they differ — never the first row's value as if it stood for the group.
 */
export function sharedValue<T>(values: readonly T[]): { value: T | undefined; mixed: boolean } {
  if (!values.length) return { value: undefined, mixed: false };
  const first = values[0];
  return values.every((v) => v === first) ? { value: first, mixed: false } : { value: undefined, mixed: true };
}
