/**
 * `calib import FILE... --model NAME --benchmark NAME [...]`: imports prediction files as one run.
 * Exit 0 on success (also when the files were already imported), 2 on bad input, 1 on conflicts.
 */
import { parseArgs } from "node:util";
import { badInput } from "../../lib/errors";
import { endPools } from "../../lib/db/pool";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { importFiles, type ImportResult } from "../../lib/import/import-files";
import { importProgressBar } from "../../lib/progress";
import { FORMATS, NORMALIZATIONS, type Format, type Normalize } from "../../lib/import/read/record";
import { cliArgs } from "../args";

export const summary = "import prediction files (lm-eval samples, scores JSONL/CSV, Plaut et al.) as a run";

const USAGE = `usage: calib import FILE|DIR... --model NAME --benchmark NAME
  [--base NAME] [--sft DATASET] [--beta B] [--family NAME]
  [--language xx] [--subject S] [--format ${FORMATS.join("|")}]
  [--normalize ${NORMALIZATIONS.join("|")}] [--renormalize] [--options K]
  [--no-stats]   skip the per-language statistics (run \`calib recompute --run ID\` later; views show nothing until then)`;

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = cliArgs(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: "string" },
        base: { type: "string" },
        sft: { type: "string" },
        beta: { type: "string" },
        family: { type: "string" },
        benchmark: { type: "string" },
        language: { type: "string" },
        subject: { type: "string" },
        format: { type: "string" },
        normalize: { type: "string" },
        renormalize: { type: "boolean" },
        options: { type: "string" },
        "no-stats": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  if (v.help) {
    console.error(USAGE);
    return 0;
  }
  if (positionals.length === 0 || !v.model || !v.benchmark) {
    console.error(USAGE);
    return 2;
  }
  if (v.format !== undefined && !(FORMATS as readonly string[]).includes(v.format)) {
    throw badInput(`--format must be one of ${FORMATS.join(", ")}`, { field: "format" });
  }
  const bar = importProgressBar(process.stderr); // draws on a terminal only
  const url = await resolveDatabaseUrl();
  let r: ImportResult;
  try {
    r = await importFiles({
      db: url,
      files: positionals,
      model: v.model,
      base: v.base,
      sft: v.sft,
      beta: number(v.beta, "beta"),
      family: v.family,
      benchmark: v.benchmark,
      options: number(v.options, "options"),
      language: v.language,
      subject: v.subject,
      format: v.format as Format | undefined,
      normalize: v.normalize as Normalize | undefined,
      renormalize: v.renormalize,
      stats: v["no-stats"] ? false : undefined,
      onProgress: bar.update,
    });
  } finally {
    bar.done();
    await endPools();
  }
  if (r.alreadyImported) {
    console.log(`already imported as run ${r.runId} (${r.predictions} predictions); nothing changed`);
    return 0;
  }
  const langs = r.languages.length <= 8 ? ` (${r.languages.join(", ")})` : "";
  console.log(
    `run ${r.runId}: ${r.predictions} predictions in ${r.languages.length} language${r.languages.length === 1 ? "" : "s"}${langs}, ` +
      `${r.questionsCreated} new questions, ${r.files.length} file${r.files.length === 1 ? "" : "s"}` +
      (r.topLabelOnly ? "; top-label only (no gold labels)" : ""),
  );
  if (r.newLanguages.length > 0)
    console.error(`note: added unclassified language(s) ${r.newLanguages.join(", ")}`);
  if (v["no-stats"])
    console.error(`note: no statistics yet; compute them with: npm run calib -- recompute --run ${r.runId}`);
  return 0;
}

function number(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n))
    throw badInput(`--${field} must be a number, got "${raw}"`, { field });
  return n;
}
