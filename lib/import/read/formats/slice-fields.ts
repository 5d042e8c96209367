/**
 * The slice attributes of an imported row (lib/slices/fields.ts: subject category, cultural sensitivity, source),
 * read with the same keys and rules as the dataset loaders; a refused value is BAD_INPUT naming file:line and the
 * key (prefixed as the caller names the object, e.g. "doc." for lm-eval).
 */
import { badInput } from "../../../errors";
import { readSliceFields, type SliceFields, SliceFieldError, SLICE_KEYS } from "../../../slices/fields";
import type { FileContext } from "../record";

export function recordSliceFields(get: (key: string) => unknown, ctx: FileContext, line: number, prefix = ""): SliceFields {
  try {
    return readSliceFields(get, SLICE_KEYS);
  } catch (e) {
    if (e instanceof SliceFieldError) throw badInput(`${prefix}${e.field} ${e.message}`, { file: ctx.name, line, field: `${prefix}${e.field}` });
    throw e;
  }
}
