"use client";
/**
 * The results table (@tanstack/react-table v9 + @tanstack/react-virtual): sorting (shift-click for
 * several columns), per-column filters, grouping with mean aggregates, virtualised rows. Sorting,
 * filters, grouping and expanded groups live in the URL (`sortBy`, `cf`, `group`, `open`), updated with history.replaceState so
 * that re-sorting never refetches the page; the visible columns (`cols`) decide what the server sends.
 * The CSV holds exactly the rows and columns shown, in the order shown.
 */
import {
  aggregationFn_mean,
  columnFilteringFeature,
  columnGroupingFeature,
  constructFilterFn,
  createExpandedRowModel,
  createFilteredRowModel,
  createGroupedRowModel,
  createSortedRowModel,
  rowAggregationFeature,
  rowExpandingFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures,
  useTable,
  type ColumnDef,
  type ColumnFiltersState,
  type ExpandedState,
  type GroupingState,
  type Row,
  type SortingState,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState } from "react";
import { toCsv } from "@/lib/charts/export";
import { ExportBar } from "@/components/ui/ExportBar";
import type { ResultMetric, TextColumn } from "@/lib/db/queries/results-columns";
import type { ViewState } from "@/lib/view-state/filters";
import { toSearchParams } from "@/components/reliability/url-state";
import {
  fmt4,
  formatColumnFilters,
  formatExpanded,
  formatSortBy,
  matchRange,
  matchText,
  parseColumnFilters,
  parseExpanded,
  decodeResults,
  parseSortBy,
  sharedValue,
  type ResultsWire,
} from "./results-view";

interface R {
  i: number;
}

const textFilter = constructFilterFn({
  filter: (v: unknown, f: string) => matchText(v, f),
  autoRemove: (f) => !f,
});
const rangeFilter = constructFilterFn({
  filter: (v: unknown, f: string) => matchRange(v, f),
  autoRemove: (f) => !f,
});

const features = tableFeatures({
  columnFilteringFeature,
  filteredRowModel: createFilteredRowModel(),
  filterFns: { text: textFilter, range: rangeFilter },
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
  columnGroupingFeature,
  groupedRowModel: createGroupedRowModel(),
  rowAggregationFeature,
  aggregationFns: { mean: aggregationFn_mean },
  rowExpandingFeature,
  expandedRowModel: createExpandedRowModel(),
});
type F = typeof features;

const NUMERIC_TEXT: TextColumn[] = ["n", "runId", "resourceClass"];
const ROW_H = 26;
const WIDTHS: Record<string, number> = {
  source: 84,
  benchmark: 100,
  language: 56,
  languageName: 130,
  resourceClass: 70,
  family: 110,
  model: 190,
  sft: 104,
  beta: 52,
  n: 60,
  runId: 56,
};

export interface ResultsTableProps {
  wire: ResultsWire;
  state: ViewState;
  /** Titles of every column (for headers and the column picker). */
  titles: Record<string, string>;
  /** Metric columns (the rest are categorical). */
  metrics: ResultMetric[];
  /** Shown columns, in order. */
  shown: string[];
}

export function ResultsTable({ wire, state, titles, metrics, shown }: ResultsTableProps) {
  const data = useMemo(() => decodeResults(wire), [wire]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [sorting, setSorting] = useState<SortingState>(() => parseSortBy(state.sortBy));
  const [columnFilters, setColumnFilters] = useState<ColumnFiltersState>(() => parseColumnFilters(state.cf));
  const [grouping, setGrouping] = useState<GroupingState>(() => state.group);
  const [expanded, setExpanded] = useState<ExpandedState>(() => parseExpanded(state.open));

  // Table-local state goes to the URL without a server round trip (Next syncs replaceState).
  // Only the patched keys change, on the address as it is now: a navigation the filters above started (new `cols`,
  // say) may not have reached this component's props yet, and must not be undone.
  const sync = (patch: Partial<ViewState>) => {
    const sp = new URLSearchParams(window.location.search);
    const encoded = toSearchParams(patch);
    for (const key of Object.keys(patch)) {
      const v = encoded.get(key);
      if (v === null) sp.delete(key);
      else sp.set(key, v);
    }
    const qs = sp.toString();
    window.history.replaceState(
      null,
      "",
      qs ? `${window.location.pathname}?${qs}` : window.location.pathname,
    );
  };

  const rows = useMemo<R[]>(() => Array.from({ length: data.count }, (_, i) => ({ i })), [data]);
  const isMetric = useMemo(() => new Set<string>(metrics), [metrics]);

  const columns = useMemo<ColumnDef<F, R, unknown>[]>(
    () =>
      shown.map((id): ColumnDef<F, R, unknown> => {
        if (isMetric.has(id)) {
          const m = id as ResultMetric;
          const val = data.val[m] ?? [];
          return {
            id,
            header: titles[id] ?? id,
            accessorFn: (r: R) => val[r.i],
            filterFn: "range",
            sortFn: "basic",
            sortUndefined: "last",
            sortDescFirst: false,
            aggregationFn: "mean",
          } as ColumnDef<F, R, unknown>;
        }
        const c = id as TextColumn;
        const arr = data.cat[c] ?? [];
        const numeric = NUMERIC_TEXT.includes(c);
        return {
          id,
          header: titles[id] ?? id,
          accessorFn: (r: R) => arr[r.i] ?? (numeric ? undefined : ""),
          filterFn: numeric ? "range" : "text",
          sortFn: numeric ? "basic" : "alphanumeric",
          sortUndefined: "last",
          sortDescFirst: false,
        } as ColumnDef<F, R, unknown>;
      }),
    [shown, isMetric, data, titles],
  );

  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (r: R) => String(r.i),
    state: { sorting, columnFilters, grouping, expanded },
    onSortingChange: (u) => {
      const next = typeof u === "function" ? u(sorting) : u;
      setSorting(next);
      sync({ sortBy: formatSortBy(next) });
    },
    onColumnFiltersChange: (u) => {
      const next = typeof u === "function" ? u(columnFilters) : u;
      setColumnFilters(next);
      sync({ cf: formatColumnFilters(next.map((f) => ({ id: f.id, value: String(f.value ?? "") }))) });
    },
    onGroupingChange: (u) => {
      const next = typeof u === "function" ? u(grouping) : u;
      setGrouping(next);
      // Group row ids name the grouping columns: expanded ones mean nothing under another grouping.
      setExpanded({});
      sync({ group: next, open: "" });
    },
    onExpandedChange: (u) => {
      const next = typeof u === "function" ? u(expanded) : u;
      setExpanded(next);
      sync({ open: formatExpanded(next) });
    },
    groupedColumnMode: "reorder",
    // Expanded rows are URL state: reset them ourselves (when the grouping changes), never behind the URL's back.
    autoResetExpanded: false,
    enableMultiSort: true,
    isMultiSortEvent: (e: unknown) => (e as MouseEvent).shiftKey,
  });

  const modelRows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: modelRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    getItemKey: (index) => modelRows[index].id,
    overscan: 12,
    initialRect: { width: 1200, height: 620 },
  });

  const leafColumns = table.getAllLeafColumns();
  const widths = leafColumns.map((c) => (isMetric.has(c.id) ? 142 : (WIDTHS[c.id] ?? 90)));
  const template = widths.map((w) => `${w}px`).join(" ");
  const totalWidth = widths.reduce((s, w) => s + w, 0);

  const groupSources = (row: Row<F, R>) =>
    [...new Set(row.getLeafRows().filter((l) => !l.getIsGrouped()).map((l) => data.cat.source[l.original.i]))]
      .filter((s): s is string => typeof s === "string")
      .sort();
  const cellText = (
    row: Row<F, R>,
    id: string,
  ): { text: string; value: string; lo?: number | null; hi?: number | null } => {
    if (isMetric.has(id)) {
      const m = id as ResultMetric;
      const v = data.val[m]?.[row.original.i] ?? null;
      const exact = data.text[m]?.[row.original.i] ?? null;
      return {
        text: exact ?? fmt4(v),
        value: exact ?? (v === null ? "" : String(v)),
        lo: data.lo[m]?.[row.original.i] ?? null,
        hi: data.hi[m]?.[row.original.i] ?? null,
      };
    }
    const v = data.cat[id as TextColumn]?.[row.original.i];
    const s = v === null || v === undefined ? "" : String(v);
    return { text: id === "sft" && !s ? "— (base)" : s, value: s };
  };

  const csv = () => {
    const grouped = grouping.length > 0;
    const header: string[] = grouped ? ["row_type", "group_size"] : [];
    for (const c of leafColumns) {
      header.push(c.id);
      if (isMetric.has(c.id)) header.push(`${c.id}_lo`, `${c.id}_hi`);
    }
    const out = modelRows.map((row) => {
      const line: (string | number | null)[] = grouped
        ? [row.getIsGrouped() ? "group" : "row", row.getIsGrouped() ? row.getLeafRows().length : null]
        : [];
      for (const c of leafColumns) {
        if (row.getIsGrouped()) {
          const cell = row.getAllCells().find((x) => x.column.id === c.id);
          if (cell?.getIsGrouped()) line.push(String(row.groupingValue ?? ""));
          else if (cell?.getIsAggregated()) line.push((cell.getValue() as number | undefined) ?? null);
          else line.push(null);
          if (isMetric.has(c.id)) line.push(null, null);
          continue;
        }
        const t = cellText(row, c.id);
        line.push(t.value === "" ? null : t.value);
        if (isMetric.has(c.id)) line.push(t.lo ?? null, t.hi ?? null);
      }
      return line;
    });
    return toCsv(header, out);
  };

  const filterValue = (id: string) =>
    (columnFilters.find((f) => f.id === id)?.value as string | undefined) ?? "";

  return (
    <div>
      <ExportBar name={`results-${state.benchmark}`} getCsv={csv} />
      <p className="subtitle" data-testid="row-count">
        {table.getFilteredRowModel().rows.length} of {data.count} rows
        {grouping.length
          ? ` · grouped by ${grouping.map((g) => titles[g] ?? g).join(" › ")} (${modelRows.length} lines shown)`
          : ""}{" "}
        · click a header to sort (shift-click: several), type in the boxes to filter (text: <code>a|b</code>,{" "}
        <code>=exact</code>; numbers: <code>0.05..0.1</code>, <code>&gt;0.1</code>), ⊞ groups by a column.
      </p>
      <div
        ref={scrollRef}
        className="results-scroll"
        data-testid="results"
        data-rows={modelRows.length}
        role="table"
        aria-rowcount={modelRows.length + 1}
      >
        <div style={{ width: totalWidth }}>
          <div className="results-head" role="rowgroup">
            {table.getHeaderGroups().map((hg) => (
              <div key={hg.id} role="row" className="results-row" style={{ gridTemplateColumns: template }}>
                {hg.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  const numeric =
                    isMetric.has(h.column.id) || NUMERIC_TEXT.includes(h.column.id as TextColumn);
                  return (
                    <div
                      key={h.id}
                      role="columnheader"
                      className="results-th"
                      data-col={h.column.id}
                      aria-sort={sorted ? (sorted === "desc" ? "descending" : "ascending") : "none"}
                    >
                      <div className="results-th-top">
                        <button
                          type="button"
                          className="link"
                          onClick={h.column.getToggleSortingHandler()}
                          data-testid={`sort-${h.column.id}`}
                        >
                          {titles[h.column.id] ?? h.column.id}
                          {sorted ? (sorted === "desc" ? " ▼" : " ▲") : ""}
                          {sorted && sorting.length > 1 ? <sup>{h.column.getSortIndex() + 1}</sup> : null}
                        </button>
                        <button
                          type="button"
                          className="link"
                          title={h.column.getIsGrouped() ? "ungroup" : "group by this column"}
                          aria-pressed={h.column.getIsGrouped()}
                          onClick={h.column.getToggleGroupingHandler()}
                          data-testid={`group-${h.column.id}`}
                        >
                          {h.column.getIsGrouped() ? "⊟" : "⊞"}
                        </button>
                      </div>
                      <input
                        aria-label={`filter ${titles[h.column.id] ?? h.column.id}`}
                        name={`filter-${h.column.id}`}
                        placeholder={numeric ? "min..max" : "filter"}
                        value={filterValue(h.column.id)}
                        onChange={(e) => h.column.setFilterValue(e.target.value || undefined)}
                      />
                    </div>
                  );
                })}
              </div>
            ))}
          </div>
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = modelRows[item.index];
              const g = row.getIsGrouped();
              const i = row.original.i;
              return (
                <div
                  key={row.id}
                  role="row"
                  className={`results-row${g ? " results-group" : ""}`}
                  data-testid={g ? "group-row" : "result-row"}
                  data-index={item.index}
                  data-source={g ? undefined : (data.cat.source[i] ?? undefined)}
                  data-language={g ? undefined : (data.cat.language[i] ?? undefined)}
                  data-model={g ? undefined : (data.cat.model[i] ?? undefined)}
                  data-beta={g ? undefined : (data.cat.beta[i] ?? undefined)}
                  style={{
                    gridTemplateColumns: template,
                    transform: `translateY(${item.start}px)`,
                    height: ROW_H,
                  }}
                >
                  {row.getAllCells().map((cell) => {
                    const id = cell.column.id;
                    if (cell.getIsGrouped())
                      return (
                        <div key={cell.id} role="cell" className="results-td" data-col={id}>
                          <button
                            type="button"
                            className="link"
                            onClick={row.getToggleExpandedHandler()}
                            data-testid="toggle-group"
                          >
                            {row.getIsExpanded() ? "▾" : "▸"} {String(row.groupingValue ?? "")} (
                            {row.getLeafRows().length})
                          </button>
                          {groupSources(row).length > 1 && (
                            <span className="badge" data-testid="mixed-sources" title="this group holds published and measured rows">
                              {groupSources(row).join(" + ")}
                            </span>
                          )}
                        </div>
                      );
                    if (cell.getIsAggregated()) {
                      const v = cell.getValue() as number | undefined;
                      return (
                        <div
                          key={cell.id}
                          role="cell"
                          className="results-td num"
                          data-col={id}
                          data-value={v ?? ""}
                          title={`mean of the group${groupSources(row).length > 1 ? " (published and measured rows mixed)" : ""}`}
                        >
                          {isMetric.has(id) && v !== undefined ? `⌀ ${fmt4(v)}${groupSources(row).length > 1 ? " (mixed)" : ""}` : ""}
                        </div>
                      );
                    }
                    if (cell.getIsPlaceholder())
                      return <div key={cell.id} role="cell" className="results-td" data-col={id} />;
                    if (g) {
                      // A group row shows what its rows share, never its first row's value.
                      const leaves = row.getLeafRows().filter((l) => !l.getIsGrouped());
                      const arr = isMetric.has(id) ? data.val[id as ResultMetric] : data.cat[id as TextColumn];
                      const sv = sharedValue(leaves.map((l) => arr?.[l.original.i] ?? null));
                      const text = sv.value === undefined || sv.value === null ? "" : isMetric.has(id) ? fmt4(sv.value as number) : String(sv.value);
                      return (
                        <div key={cell.id} role="cell" className="results-td" data-col={id} data-value={text} title={sv.mixed ? "values differ within the group" : text}>
                          {text}
                        </div>
                      );
                    }
                    const t = cellText(row, id);
                    const metric = isMetric.has(id);
                    return (
                      <div
                        key={cell.id}
                        role="cell"
                        className={`results-td${metric ? " num" : ""}`}
                        data-col={id}
                        data-value={t.value}
                        data-lo={metric ? (t.lo ?? "") : undefined}
                        data-hi={metric ? (t.hi ?? "") : undefined}
                        title={
                          metric && t.lo != null
                            ? `${t.value} (95% bootstrap interval ${t.lo} – ${t.hi})`
                            : t.value
                        }
                      >
                        {id === "model" && data.cat.source[i] === "measured" && data.cat.runId[i] !== null ? (
                          <a
                            href={`/reliability?${new URLSearchParams({ benchmark: String(data.cat.benchmark[i]), languages: String(data.cat.language[i]), models: t.value })}`}
                          >
                            {t.text}
                          </a>
                        ) : (
                          t.text
                        )}
                        {metric && t.lo != null && t.hi != null && (
                          <span className="ci">
                            {" "}
                            [{t.lo.toFixed(3)}, {t.hi.toFixed(3)}]
                          </span>
                        )}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
