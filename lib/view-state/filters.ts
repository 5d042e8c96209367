/**
 * The view state of every page, parsed from the URL by ONE zod schema.
 * strict (server): an invalid parameter is an error naming it; lenient (browser): invalid values
 * fall back to their defaults so a half-edited link still opens something sensible.
 * Lists travel as comma-separated values (`?family=Gemma2-2B,Mistral-7B`).
 */
import { z } from "zod";

// No `new Function` probe in the browser: the Content-Security-Policy (proxy.ts) forbids eval, and
// Chromium reports the caught probe as a CSP violation. Schemas here are small; the JIT buys nothing.
z.config({ jitless: true });
import { badInput } from "../errors";
import { MAX_INT4 } from "../ids";
import { type Better, byMetric, metricSpec, PAPER_METRICS, type PaperMetric } from "../calibration/registry";
import { parseSlice, SLICE_ALL } from "../slices/slice";

/** The heatmap's metrics: the paper's four, from the metric registry (lib/calibration/registry.ts). */
export const METRICS = PAPER_METRICS;
export type HeatmapMetric = PaperMetric;
export const METRIC_LABELS: Record<HeatmapMetric, string> = byMetric(METRICS, (m) => metricSpec(m).label);
/** Which way a metric improves: lower ECE/RMS, higher accuracy; entropy has no better direction. */
export const METRIC_BETTER: Record<HeatmapMetric, Better> = byMetric(METRICS, (m) => metricSpec(m).better);

export const BINNINGS = ["equal-width", "equal-mass"] as const;
export type BinningScheme = (typeof BINNINGS)[number];
/** Small-multiple order: by language name, resource class, or the change in ECE of the first tuned model vs its base. */
export const PANEL_SORTS = ["language", "resource", "dece-desc", "dece-asc"] as const;
export type PanelSort = (typeof PANEL_SORTS)[number];

/** URL lists are capped (length of the parameter, of each entry, and their count): a link is not a bulk upload. */
export const MAX_LIST_CHARS = 4000;
export const MAX_LIST_ITEMS = 200;
export const MAX_LIST_ITEM_CHARS = 200;

const list = z
  .string()
  .max(MAX_LIST_CHARS)
  .optional()
  .transform((s) =>
    s
      ? s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean)
      : [],
  )
  .pipe(z.array(z.string().max(MAX_LIST_ITEM_CHARS)).max(MAX_LIST_ITEMS));

/** Ids and counts that reach an int4 column: larger values are invalid parameters (400), not database errors. */
const int4 = () => z.coerce.number().int().max(MAX_INT4);

const betaList = list.pipe(
  z.array(z.string().regex(/^(0(\.\d+)?|base)$/, "β must be a number in [0, 1) or 'base'")),
);

export const viewStateSchema = z.object({
  benchmark: z.string().min(1).max(200).default("GlobalMMLU"),
  metric: z.enum(METRICS).default("ece"),
  /** `recalibrated`: out-of-sample ECE after post-hoc recalibration (`method`, `fit`; issue 14 §2; measured runs only). */
  mode: z.enum(["absolute", "delta-base", "delta-beta", "recalibrated"]).default("absolute"),
  /** mode=recalibrated: which fit's ECE — per language, English only, or all languages pooled (lib/calibration/recalibrate). */
  fit: z.enum(["per-language", "english", "pooled"]).default("per-language"),
  /** For mode=delta-beta: Δ = metric(β = betaB) − metric(β = betaA), per model × SFT dataset. */
  betaA: z
    .string()
    .regex(/^0(\.\d+)?$/)
    .default("0.0"),
  betaB: z
    .string()
    .regex(/^0(\.\d+)?$/)
    .default("0.1"),
  source: z.enum(["published", "measured", "both"]).default("both"),
  family: list,
  sft: list,
  beta: betaList,
  languages: list,
  sort: z.enum(["language", "resource", "value"]).default("language"),
  /**
   * Slice of each language's questions (issue 14; lib/slices/slice.ts): `all`, `CS`, `CA` or `category:<name>`.
   * The heatmap, /reliability, /results and /smoothing read its stored statistics (RunSliceStats).
   */
  slice: z
    .string()
    .max(MAX_LIST_ITEM_CHARS + 9)
    .refine((s) => parseSlice(s) !== null, "slice is all, CS, CA or category:<subject category>")
    .default(SLICE_ALL),

  // ── /reliability ──────────────────────────────────────────────────────────────────────────────
  /** Model names (measured); each tuned model is drawn with its base. Empty = a family's base + its β=0 variants. */
  models: list,
  /** Binning of the reliability bins and of ECE/RMS/MCE. */
  binning: z.enum(BINNINGS).default("equal-width"),
  /** Bin count: the stored count or, for equal-width, one of its exact divisors (bins are merged). */
  bins: z.coerce.number().int().min(1).max(100).default(15),
  smooth: z.enum(["off", "on"]).default("off"),
  sortPanels: z.enum(PANEL_SORTS).default("language"),

  // ── /smoothing ────────────────────────────────────────────────────────────────────────────────
  /** Per-language significance of measured runs by paired bootstrap (reads two runs' predictions per pair). */
  bootstrap: z.enum(["off", "on"]).default("off"),

  // ── /results (TanStack table state) ───────────────────────────────────────────────────────────
  /** Sorting: "col:asc|desc" entries, e.g. `ece:desc,language:asc`. */
  sortBy: list.pipe(
    z.array(z.string().regex(/^[\w.]+:(asc|desc)$/, "sortBy entries are column:asc or column:desc")),
  ),
  /** Grouping: column ids. */
  group: list,
  /** Visible columns (empty = the default set). */
  cols: list,
  /** Column filters: `col:value` entries separated by ";" — text contains, or `min..max` for numbers. */
  cf: z.string().max(2000).default(""),
  /** Expanded group rows: their row ids (e.g. `beta:0.1>model:X`), each URI-encoded, comma-separated; `*` = all. */
  open: z.string().max(4000).default(""),

  // ── /shifts, /recalibration, /resource-effect (issue 14: analysis views) ─────────────────────
  /** /shifts: "confident and wrong" means wrong with confidence ≥ cw. */
  cw: z.coerce.number().min(0.5).max(1).default(0.9),
  /** /recalibration: the post-hoc method whose out-of-sample ECE is shown. */
  method: z.enum(["temperature", "histogram", "isotonic"]).default("temperature"),

  // ── /questions (a reliability bin's questions) ───────────────────────────────────────────────
  run: int4().positive().optional(),
  bin: int4().min(0).optional(),
  page: int4().min(1).default(1),
});

export type ViewState = z.infer<typeof viewStateSchema>;
export type SearchParams = Record<string, string | string[] | undefined>;

function flatten(sp: SearchParams): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(sp)) out[k] = Array.isArray(v) ? v.join(",") : v;
  return out;
}

export function parseViewState(sp: SearchParams, { strict }: { strict: boolean }): ViewState {
  const input = flatten(sp);
  const parsed = viewStateSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  if (strict) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "");
    throw badInput(`invalid value ${JSON.stringify(input[field] ?? "")}: ${issue.message}`, { field });
  }
  // Lenient: drop each offending key and retry; the schema's defaults fill the gaps.
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  for (const k of bad) delete input[k];
  return viewStateSchema.parse(input);
}

/** Serialises a state back to a query string, leaving defaults out so links stay short and stable. */
export function toSearchParams(state: Partial<ViewState>): URLSearchParams {
  const defaults = viewStateSchema.parse({});
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) {
    const d = defaults[k as keyof ViewState];
    if (Array.isArray(v)) {
      if (v.length) sp.set(k, v.join(","));
    } else if (v !== undefined && v !== d) sp.set(k, String(v));
  }
  return sp;
}
