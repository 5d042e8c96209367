/**
 * What a dataset says about a question that the sliced views use (issue 14 part 1; docs/analysis.md "Slices"):
 * its subject category (GlobalMMLU `subject_category`, MMLU-ProX `category`), its cultural sensitivity
 * (GlobalMMLU `cultural_sensitivity_label`) and its source (MMLU-ProX `src`). One normalisation for the
 * dataset loaders (lib/datasets) and every import format (lib/import/read/formats), so a question reads the same
 * whichever way it came in. The database checks the same bounds (migration 20261202130732_slices).
 */
import { badText } from "../import/read/record-limits";

/** Longest category or source label kept (characters): real ones are < 60 ("ori_mmlu-high_school_physics"). */
export const MAX_SLICE_TEXT_CHARS = 200;

/** Culturally sensitive / culturally agnostic; anything else the dataset writes is unknown (null). */
export type CulturalLabel = "CS" | "CA";

/** The slice attributes of one question; null = not given. */
export interface SliceFields {
  subjectCategory: string | null;
  culturalLabel: CulturalLabel | null;
  src: string | null;
}

export const NO_SLICE_FIELDS: Readonly<SliceFields> = Object.freeze({ subjectCategory: null, culturalLabel: null, src: null });

/** A refusal: the message (without the place; callers add file/line) and the source key it came from. */
export class SliceFieldError extends Error {
  constructor(
    message: string,
    readonly field = "",
  ) {
    super(message);
  }
}

// C0/C1 controls (tab, newline, escape, …) would break labels, CSV cells and URLs; NUL and lone surrogates are badText's.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A category or source label: trimmed text of 1…MAX_SLICE_TEXT_CHARS characters without control characters;
 * null when absent, null or blank. Numbers are kept as their text (CSV and Parquet give them so).
 */
export function sliceText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" || typeof v === "bigint") v = String(v);
  if (typeof v !== "string") throw new SliceFieldError(`expected text, found ${Array.isArray(v) ? "an array" : typeof v}`);
  const bad = badText(v);
  if (bad) throw new SliceFieldError(bad);
  const t = v.trim();
  if (t === "") return null;
  if (CONTROL.test(t)) throw new SliceFieldError("contains a control character");
  if (t.length > MAX_SLICE_TEXT_CHARS) throw new SliceFieldError(`is ${t.length} characters: at most ${MAX_SLICE_TEXT_CHARS} are allowed`);
  return t;
}

/**
 * GlobalMMLU's cultural_sensitivity_label: "CS" or "CA" (any case, surrounding blanks ignored); every other value
 * the dataset uses ("", "-", "UNK", null, absent) is unknown. Non-text values (arrays, objects) are refused.
 */
export function culturalLabel(v: unknown): CulturalLabel | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return null;
  if (typeof v !== "string") throw new SliceFieldError(`expected text, found ${Array.isArray(v) ? "an array" : typeof v}`);
  const t = v.trim().toUpperCase();
  return t === "CS" || t === "CA" ? t : null;
}

/** Source keys of the three fields, first present wins. */
export interface SliceKeys {
  category: readonly string[];
  cultural: readonly string[];
  src: readonly string[];
}

/**
 * The keys every source uses: GlobalMMLU rows and lm-eval docs `subject_category` and `cultural_sensitivity_label`,
 * MMLU-ProX rows and docs `category` and `src`; scores files may carry the same keys.
 */
export const SLICE_KEYS: SliceKeys = {
  category: ["subject_category", "category"],
  cultural: ["cultural_sensitivity_label"],
  src: ["src"],
};

/** Reads the three fields from a record; a refusal names the source key in `field`. */
export function readSliceFields(get: (key: string) => unknown, keys: SliceKeys): SliceFields {
  const subjectCategory = readField(get, keys.category, sliceText);
  const cultural = readField(get, keys.cultural, culturalLabel);
  const src = readField(get, keys.src, sliceText);
  // Most rows give none of the three: share one frozen empty result instead of an object per imported row.
  if (subjectCategory === null && cultural === null && src === null) return NO_SLICE_FIELDS;
  return { subjectCategory, culturalLabel: cultural, src };
}

// Module level, not a closure in readSliceFields: that runs once per imported row, and a closure per call (which tsx
// also wraps in a naming helper) cost ~10% of the importer's parse time on 1M rows.
function readField<T>(get: (key: string) => unknown, names: readonly string[], parse: (v: unknown) => T | null): T | null {
  for (const k of names) {
    const v = get(k);
    if (v === undefined || v === null) continue;
    try {
      return parse(v);
    } catch (e) {
      throw e instanceof SliceFieldError ? new SliceFieldError(e.message, k) : e;
    }
  }
  return null;
}
