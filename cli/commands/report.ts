/**
 * `calib report`: the table behind the heatmap, one row per (language, configuration) cell.
 * CSV contract (other tools rely on it): header `language,model,sft_dataset,smoothing,value`;
 * model = family for published rows, the model name for measured ones; sft_dataset and smoothing
 * empty for base models; nothing else on stdout.
 *
 * `--view results|reliability|smoothing|runs` prints instead the table of that view's data twin (/api/views/<view>,
 * lib/views/view-tables.ts) — the same columns and rows as the twin's CSV, or `{ columns, rows, total }` as
 * JSON — for the view's own URL parameters given as `--query "languages=sw&bins=5"` (plus --benchmark, --metric
 * and --source when given). The default (heatmap) output is unchanged.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { toCsv } from "../../lib/csv-cell";
import { badInput } from "../../lib/errors";
import { endPools, poolFor } from "../../lib/db/pool";
import { getHeatmapData } from "../../lib/db/queries/heatmap";
import { formatBeta } from "../../lib/format";
import { withDefaultSelection } from "../../lib/db/queries/reliability-default";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { METRICS, parseViewState, type SearchParams } from "../../lib/view-state/filters";
import { tableCsv } from "../../lib/view-state/data-out";
import { VIEW_TABLES } from "../../lib/views/view-tables";
import { cliArgs } from "../args";

export const summary = "print the heatmap table (per-language metric per configuration), or a view's data twin (--view), as CSV or JSON";

const VIEWS = ["heatmap", "results", "reliability", "smoothing", "runs"] as const;

const flags = z.object({
  benchmark: z.enum(["GlobalMMLU", "MMLU-ProX"]).or(z.string().min(1)),
  metric: z.enum(METRICS),
  source: z.enum(["published", "measured"]),
  format: z.enum(["csv", "json"]),
  view: z.enum(VIEWS),
  query: z.string().max(8000),
});

export async function run(argv: string[]): Promise<number> {
  const { values } = cliArgs(() =>
    parseArgs({
      args: argv,
      options: {
        benchmark: { type: "string", default: "GlobalMMLU" },
        metric: { type: "string", default: "ece" },
        source: { type: "string", default: "published" },
        format: { type: "string", default: "csv" },
        view: { type: "string", default: "heatmap" },
        query: { type: "string", default: "" },
      },
    }),
  );
  const parsed = flags.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badInput(issue.message, { field: `--${String(issue.path[0])}` });
  }
  const opts = parsed.data;
  if (opts.view !== "heatmap") return printView(opts.view, opts.format, viewParams(argv, opts));
  if (opts.query) throw badInput("--query applies to --view results|reliability|smoothing|runs", { field: "--query" });
  const pool = poolFor(await resolveDatabaseUrl());
  try {
    const data = await getHeatmapData(pool, { benchmark: opts.benchmark, metric: opts.metric, sources: [opts.source] });
    if (!data) throw badInput(`unknown benchmark "${opts.benchmark}"`, { field: "--benchmark" });
    const rows: { language: string; model: string; sft_dataset: string; smoothing: string; value: string }[] = [];
    for (const lang of data.languages) {
      for (const col of data.columns) {
        const v = data.values[col.key]?.[lang.code];
        if (v === undefined) continue;
        rows.push({ language: lang.code, model: col.model, sft_dataset: col.sftDataset ?? "", smoothing: formatBeta(col.smoothing), value: v });
      }
    }
    if (opts.format === "json") process.stdout.write(JSON.stringify(rows) + "\n");
    else {
      const header = ["language", "model", "sft_dataset", "smoothing", "value"];
      process.stdout.write(toCsv(header, rows.map((r) => [r.language, r.model, r.sft_dataset, r.smoothing, r.value])));
    }
  } finally {
    await endPools();
  }
  return 0;
}

/** The view's URL parameters: --query, with --benchmark/--metric/--source on top when they were given. */
function viewParams(argv: string[], opts: z.infer<typeof flags>): URLSearchParams {
  const params = new URLSearchParams(opts.query.replace(/^\?/, ""));
  const given = (flag: string) => argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  if (given("benchmark")) params.set("benchmark", opts.benchmark);
  if (given("metric")) params.set("metric", opts.metric);
  if (given("source")) params.set("source", opts.source);
  return params;
}

async function printView(view: Exclude<(typeof VIEWS)[number], "heatmap">, format: "csv" | "json", params: URLSearchParams): Promise<number> {
  const sp: SearchParams = {};
  for (const k of new Set(params.keys())) sp[k] = params.getAll(k);
  parseViewState(sp, { strict: true }); // bad parameters fail before any connection is made
  const pool = poolFor(await resolveDatabaseUrl());
  try {
    const state = parseViewState(await withDefaultSelection(pool, view, sp), { strict: true });
    const { columns, rows } = await VIEW_TABLES[view](pool, state, params);
    if (format === "json") process.stdout.write(JSON.stringify({ columns, rows, total: rows.length }) + "\n");
    else process.stdout.write(tableCsv(columns, rows));
  } finally {
    await endPools();
  }
  return 0;
}
