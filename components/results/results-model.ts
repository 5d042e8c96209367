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
  const m = /^(-?[\d.]*)\s*\.\.\s*(-?[\d.]*)$/.exec(f);
  if (m) {
    const lo = m[1] === "" ? -Infinity : Number(m[1]);
    const hi = m[2] === "" ? Infinity : Number(m[2]);
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

/** The table-local keys (sortBy, group, cf) as the address bar has them now (they change without navigation). */
export function tableKeysFromLocation(): { sortBy: string[]; group: string[]; cf: string } | null {
  if (typeof window === "undefined") return null;
  const sp = new URLSearchParams(window.location.search);
  const list = (k: string) => (sp.get(k) ?? "").split(",").filter(Boolean);
  return { sortBy: list("sortBy"), group: list("group"), cf: sp.get("cf") ?? "" };
}

/** Interval bounds travel with 6 significant digits (bootstrap percentiles; keeps the page small). */
export const sig6 = (v: number | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v.toPrecision(6));
