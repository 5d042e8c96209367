/**
 * The one error type of the project. `code` is stable (tests and API clients match on it);
 * `where` names the place in the user's input (file:line, field) when there is one.
 */
export type AtlasErrorCode =
  | "BAD_INPUT" // malformed user input: file content, CLI flags, query parameters, payloads
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNAUTHORIZED"
  | "TOO_LARGE"
  | "NO_SPACE" // the server's disk cannot take the upload (507)
  | "INTERNAL";

export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export class AtlasError extends Error {
  readonly code: AtlasErrorCode;
  readonly where: ErrorLocation;

  constructor(code: AtlasErrorCode, message: string, where: ErrorLocation = {}) {
    super(formatMessage(message, where));
    this.name = "AtlasError";
    this.code = code;
    this.where = where;
  }

  /** HTTP status for route handlers. */
  get status(): number {
    return { BAD_INPUT: 400, NOT_FOUND: 404, CONFLICT: 409, UNAUTHORIZED: 401, TOO_LARGE: 413, NO_SPACE: 507, INTERNAL: 500 }[this.code];
  }

  /** Process exit code for the CLI: 2 for bad input, 1 otherwise. */
  get exitCode(): number {
    return this.code === "BAD_INPUT" || this.code === "TOO_LARGE" ? 2 : 1;
  }
}

function formatMessage(message: string, where: ErrorLocation): string {
  const place = [where.file && (where.line ? `${where.file}:${where.line}` : where.file), where.field && `field "${where.field}"`]
    .filter(Boolean)
    .join(", ");
  return place ? `${place}: ${message}` : message;
}

export function badInput(message: string, where: ErrorLocation = {}): AtlasError {
  return new AtlasError("BAD_INPUT", message, where);
}
