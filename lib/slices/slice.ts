/**
 * Slices of a language's questions (issue 14 part 1; docs/analysis.md "Slices"): all questions, the culturally
 * sensitive (CS) or culturally agnostic (CA) ones, or one subject category. One encoding for the URL parameter
 * (`slice=`), the stored key (RunSliceStats.slice) and CSV cells:
 *
 *   all | CS | CA | category:<subject category>
 *
 * A question of unknown cultural sensitivity is in no cultural slice; one without a category in no category slice.
 */
import type { SliceFields } from "./fields";

/**
 * The smallest slice (questions of one run in one language) a view draws. With 15 equal-width bins, fewer
 * predictions leave most bins with a handful of rows, where binned ECE is mostly its own upward bias and the
 * reliability diagram is noise; views refuse such a slice with this figure in the message.
 */
export const MIN_SLICE_N = 100;

export const SLICE_ALL = "all";
const CATEGORY_PREFIX = "category:";

export type Slice = { kind: "all" } | { kind: "cultural"; label: "CS" | "CA" } | { kind: "category"; category: string };

/** The slice a `slice=` value names, or null when it names none. */
export function parseSlice(text: string): Slice | null {
  if (text === SLICE_ALL) return { kind: "all" };
  if (text === "CS" || text === "CA") return { kind: "cultural", label: text };
  if (text.startsWith(CATEGORY_PREFIX)) {
    const category = text.slice(CATEGORY_PREFIX.length);
    if (category !== "" && category === category.trim()) return { kind: "category", category };
  }
  return null;
}

export function sliceKey(s: Slice): string {
  return s.kind === "all" ? SLICE_ALL : s.kind === "cultural" ? s.label : `${CATEGORY_PREFIX}${s.category}`;
}

export const categorySliceKey = (category: string): string => `${CATEGORY_PREFIX}${category}`;

/** Human label: "all questions", "culturally sensitive (CS)", "culturally agnostic (CA)", "category STEM". */
export function sliceLabel(key: string): string {
  const s = parseSlice(key);
  if (!s) return key;
  if (s.kind === "all") return "all questions";
  if (s.kind === "cultural") return s.label === "CS" ? "culturally sensitive (CS)" : "culturally agnostic (CA)";
  return `category ${s.category}`;
}

/** The stored slice keys a question belongs to (besides "all"): its cultural label's and its category's. */
export function questionSliceKeys(f: Pick<SliceFields, "subjectCategory" | "culturalLabel">): string[] {
  const keys: string[] = [];
  if (f.culturalLabel) keys.push(f.culturalLabel);
  if (f.subjectCategory) keys.push(categorySliceKey(f.subjectCategory));
  return keys;
}

/** Why a slice of n predictions is not drawn, or null when it is drawn. */
export function sliceRefusal(key: string, n: number): string | null {
  if (key === SLICE_ALL || n >= MIN_SLICE_N) return null;
  return `${sliceLabel(key)}: n = ${n} is below the minimum of ${MIN_SLICE_N} questions for a slice — not drawn`;
}
