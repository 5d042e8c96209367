/**
 * Strict UTF-8: imported text is stored exactly as given or refused, never silently "repaired" with U+FFFD
 * (Buffer#toString's behaviour). The check is node:buffer's isUtf8 (native, SIMD) over whole runs of lines; the
 * byte-level scan below runs only after it failed, to say where.
 */
import { isAscii, isUtf8 } from "node:buffer";
import { badInput, type AtlasError } from "../../errors";

export { isAscii, isUtf8 };

/**
 * Offset of the first byte that does not start a valid UTF-8 sequence (overlong forms, surrogates
 * U+D800–U+DFFF, code points above U+10FFFF and truncated sequences are invalid), or -1 when `buf` is valid.
 */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) [n, min, cp] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [n, min, cp] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [n, min, cp] = [3, 0x10000, b & 0x07];
    else return i;
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** The error for an invalid line: names the line and the byte's column (1-based) and value. */
export function invalidUtf8(line: Uint8Array, where: { file: string; line: number }): AtlasError {
  const at = Math.max(0, firstInvalidUtf8(line));
  const byte = line[at] === undefined ? "end of line" : `0x${line[at].toString(16).padStart(2, "0")}`;
  return badInput(
    `invalid UTF-8 (${byte} at byte ${at + 1} of the line): the file must be UTF-8 text; re-encode it (e.g. iconv -t UTF-8)`,
    { ...where, field: "encoding" },
  );
}
