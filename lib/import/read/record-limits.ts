/**
 * Limits on what one imported row may hold, checked for every format before anything is written, so each ends as a
 * BAD_INPUT naming file:line:field (exit 2 / HTTP 400) rather than a database error (exit 1 / 500), a hang or a
 * silent change. The database enforces the numeric ones again (CHECK constraints, migration
 * 20261202100000_input_checks); docs/import-limits.md lists them all.
 */
import { badInput } from "../../errors";
import type { ImportRecord } from "./record";

/** Options per question: 2 to 26 (labels are the letters A–Z; MMLU-ProX, the largest benchmark here, has 10). */
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 26;

/**
 * External ids: at most 512 bytes of UTF-8. Postgres refuses a unique-index entry over ~2.7 KB with an internal
 * error; real ids (subject/doc_id, UUIDs, dataset keys) are far shorter.
 */
export const MAX_EXTERNAL_ID_BYTES = 512;

/**
 * Text Postgres cannot store, or that would not be the text the user gave: NUL (refused by text and jsonb) and
 * UTF-16 surrogates without their pair (JSON's "\ud800" escapes; jsonb refuses them, text would store U+FFFD).
 * Byte-level invalid UTF-8 is refused earlier, by the line reader.
 */
export function badText(s: string): string | null {
  if (s.includes("\0")) return "contains a NUL character (U+0000)";
  if (!(s as unknown as WellFormed).isWellFormed()) return "contains a lone UTF-16 surrogate (an unpaired \\uD800–\\uDFFF escape)";
  return null;
}

/** String#isWellFormed (ES2024, Node 20+); the project's TypeScript lib is ES2023. */
type WellFormed = { isWellFormed(): boolean };

/** Checks the limits above on one parsed row (once per row of every import: no allocation unless it fails). */
export function checkRecordLimits(r: ImportRecord, file: string): void {
  if (r.optionCount < MIN_OPTIONS)
    throw badInput(`${r.optionCount} option(s): a multiple-choice question needs at least ${MIN_OPTIONS}`, at(r, file, "options"));
  if (r.optionCount > MAX_OPTIONS)
    throw badInput(`${r.optionCount} options: at most ${MAX_OPTIONS} are supported (labels A–Z)`, at(r, file, "options"));
  const id = r.externalId;
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short ids skip the byte count.
  if (id.length * 3 > MAX_EXTERNAL_ID_BYTES && Buffer.byteLength(id) > MAX_EXTERNAL_ID_BYTES)
    throw badInput(`id is ${Buffer.byteLength(id)} bytes: at most ${MAX_EXTERNAL_ID_BYTES} are allowed`, at(r, file, "id"));
  checkText(r, file, "id", id);
  checkText(r, file, "language", r.language);
  checkText(r, file, "subject", r.subject);
  checkText(r, file, "question", r.text);
  for (let i = 0; i < r.options.length; i++) {
    const why = badText(r.options[i]);
    if (why) throw badInput(`option ${i} ${why}`, at(r, file, "options"));
  }
}

function checkText(r: ImportRecord, file: string, field: string, v: string | null): void {
  const why = v === null ? null : badText(v);
  if (why) throw badInput(`${field} ${why}`, at(r, file, field));
}

function at(r: ImportRecord, file: string, field: string) {
  return { file, line: r.line, field };
}
