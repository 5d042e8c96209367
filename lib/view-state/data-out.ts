/**
 * "Data out" for notebooks: a view's table as CSV or JSON at the view's own URL plus `format=csv|json`
 * (proxy.ts rewrites it to the view's `/api/views/…` twin, which takes the same parameters). Rows are tidy
 * (one value per row), paginated with `offset`/`limit`, and carry no file-system paths. Pure helpers.
 */
import { toCsv } from "../csv-cell";

export const DATA_FORMATS = ["csv", "json"] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];
export const DEFAULT_LIMIT = 10_000;
export const MAX_LIMIT = 100_000;

/** View pages with a data twin: page path → API path. */
export const DATA_TWINS: Record<string, string> = {
  "/": "/api/views/heatmap",
  "/results": "/api/views/results",
  "/reliability": "/api/views/reliability",
  "/smoothing": "/api/views/smoothing",
  "/runs": "/api/views/runs",
};

export interface Page {
  offset: number;
  limit: number;
}

/** offset/limit from the query string; an error message naming the field when invalid. */
export function parsePage(sp: URLSearchParams): Page | { error: string; field: string } {
  const num = (k: string, d: number) => (sp.get(k) === null ? d : Number(sp.get(k)));
  const offset = num("offset", 0);
  const limit = num("limit", DEFAULT_LIMIT);
  if (!Number.isInteger(offset) || offset < 0) return { error: "offset must be an integer ≥ 0", field: "offset" };
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    return { error: `limit must be an integer in 1..${MAX_LIMIT}`, field: "limit" };
  return { offset, limit };
}

export type Row = Record<string, string | number | null>;

/** Rows as CSV text (header + one line per row), the columns in the given order: the twins' and `calib report`'s. */
export function tableCsv(columns: string[], rows: Row[]): string {
  return toCsv(columns, rows.map((r) => columns.map((c) => r[c] ?? null)));
}

/** One page of rows as a Response: CSV (header + rows) or JSON ({ columns, rows, total, offset, limit, next }). */
export function dataResponse(reqUrl: string, format: DataFormat, columns: string[], all: Row[], page: Page, name: string): Response {
  const rows = all.slice(page.offset, page.offset + page.limit);
  const nextOffset = page.offset + rows.length < all.length ? page.offset + rows.length : null;
  let next: string | null = null;
  if (nextOffset !== null) {
    const u = new URL(reqUrl);
    u.searchParams.set("offset", String(nextOffset));
    u.searchParams.set("limit", String(page.limit));
    next = u.pathname + u.search;
  }
  const headers: Record<string, string> = {
    "Cache-Control": "no-store",
    "X-Total-Count": String(all.length),
    ...(next ? { Link: `<${next}>; rel="next"` } : {}),
  };
  if (format === "csv")
    return new Response(tableCsv(columns, rows), {
      headers: { ...headers, "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `inline; filename="${name}.csv"` },
    });
  return Response.json({ columns, rows, total: all.length, offset: page.offset, limit: page.limit, next }, { headers });
}
