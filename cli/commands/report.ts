/**
 * `calib report`: the table behind the heatmap, one row per (language, configuration) cell.
 * CSV contract (other tools rely on it): header `language,model,sft_dataset,smoothing,value`;
 * model = family for published rows, the model name for measured ones; sft_dataset and smoothing
 * empty for base models; nothing else on stdout.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { toCsv } from "../../lib/csv-cell";
import { badInput } from "../../lib/errors";
import { endPools, poolFor } from "../../lib/db/pool";
import { formatBeta, getHeatmapData } from "../../lib/db/queries/heatmap";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { METRICS } from "../../lib/view-state/filters";
import { cliArgs } from "../args";

export const summary = "print the heatmap table (per-language metric per configuration) as CSV or JSON";

const flags = z.object({
  benchmark: z.enum(["GlobalMMLU", "MMLU-ProX"]).or(z.string().min(1)),
  metric: z.enum(METRICS),
  source: z.enum(["published", "measured"]),
  format: z.enum(["csv", "json"]),
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
      },
    }),
  );
  const parsed = flags.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badInput(issue.message, { field: `--${String(issue.path[0])}` });
  }
  const opts = parsed.data;
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
