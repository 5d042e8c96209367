/**
 * What unauthenticated answers (pages, GET endpoints) may show of stored paths and worker errors:
 * base names only, never the absolute paths of the machine that imported or scored a run, and a
 * one-line error summary instead of the raw message (stack traces, SQL, file system layout).
 */
import path from "node:path";

/** An absolute POSIX or Windows path (what `path.resolve` and the worker store). */
export function isAbsolutePath(s: string): boolean {
  return s.startsWith("/") || /^[A-Z]:[\\/]/i.test(s) || s.startsWith("\\\\");
}

/** The last component of a POSIX or Windows path. */
export function baseName(s: string): string {
  return path.win32.basename(s); // splits on both / and \
}

/** A JSON value with every absolute-path string replaced by its base name. */
export function redactPaths(value: unknown): unknown {
  if (typeof value === "string") return isAbsolutePath(value) ? baseName(value) : value;
  if (Array.isArray(value)) return value.map(redactPaths);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactPaths(v)]));
  return value;
}

export const ERROR_SUMMARY_CHARS = 240;

/**
 * The first line of an error message, directory parts of paths removed (`/srv/x/model.onnx` →
 * `model.onnx`), cut to ERROR_SUMMARY_CHARS. Linear time: the message is cut before any regex runs,
 * and the path pattern has no nested ambiguity.
 */
export function errorSummary(message: string | null): string | null {
  if (message === null) return null;
  const first = message.slice(0, 4 * ERROR_SUMMARY_CHARS).split(/\r?\n/, 1)[0];
  const noDirs = first.replace(/(?:[A-Z]:)?(?:[\\/][^\s\\/"'`()[\]{}<>,;]+)+[\\/]/gi, "");
  return noDirs.length > ERROR_SUMMARY_CHARS ? noDirs.slice(0, ERROR_SUMMARY_CHARS - 1) + "…" : noDirs;
}
