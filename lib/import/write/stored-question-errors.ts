/**
 * The two errors an import raises about stored questions, shared by its staging path (found with SQL over the
 * staging table) and its direct path (found row by row): same words, same file:line, whichever path writes.
 */
import { badInput, type AtlasError } from "../../errors";

/** A row whose question is stored with another option count or gold label (the option count is reported first). */
export function clashError(
  row: { extId: string; lang: string; optionCount: number; gold: number | null; file: string; line: number },
  stored: { optionCount: number; gold: number | null },
): AtlasError {
  const what =
    stored.optionCount !== row.optionCount
      ? `${row.optionCount} options, but the stored question has ${stored.optionCount}`
      : `label ${row.gold}, but the stored question's gold is ${stored.gold}`;
  return badInput(`question "${row.extId}" (${row.lang}) has ${what}`, { file: row.file, line: row.line });
}

/** The second row with a (language, id) already seen in this import. */
export function duplicateError(
  row: { extId: string; lang: string; file: string; line: number },
  first: { file: string; line: number },
): AtlasError {
  return badInput(`duplicate id "${row.extId}" for language ${row.lang} (first at ${first.file}:${first.line})`, {
    file: row.file,
    line: row.line,
    field: "id",
  });
}
