/** JSON-lines parsing with errors that name the line and, for Python's NaN/Infinity, say why. */
import { badInput } from "../../../errors";

export function parseJsonObject(text: string, file: string, line: number): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    // Python's json.dumps writes NaN/Infinity, which are not JSON: say so rather than "unexpected token".
    if (/(?:^|[\s,:[])-?(?:NaN|Infinity)(?=[\s,\]}])/.test(text)) {
      throw badInput(`not a finite number: NaN/Infinity (rejected; also not valid JSON)`, { file, line });
    }
    throw badInput(`malformed JSON: ${(e as Error).message}`, { file, line });
  }
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw badInput(`expected a JSON object per line`, { file, line });
  return v as Record<string, unknown>;
}
