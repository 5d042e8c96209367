/**
 * The writing endpoints' bearer-token check (ATLAS_API_TOKEN; unset = the endpoint is disabled, 503) and error
 * body, shared by POST /api/imports and the run endpoints. checkToken returns an error Response, or null when
 * authorised.
 */
import { timingSafeEqual } from "node:crypto";
import { parseId } from "@/lib/ids";
import { readEnv } from "@/lib/env";

export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): Response {
  return Response.json(
    { error: { code, message, ...extra } },
    { status, headers: status === 401 ? { "WWW-Authenticate": "Bearer" } : {} },
  );
}

/** What a disabled endpoint answers (503) when ATLAS_API_TOKEN is not set. */
export interface DisabledAnswer {
  code: string;
  message: string;
}

const RUNS_DISABLED: DisabledAnswer = {
  code: "DISABLED",
  message: "run management disabled: ATLAS_API_TOKEN is not set on the server",
};

/** Whether the request carries the right bearer token (false when no token is configured). */
export function hasToken(req: Request): boolean {
  return !!readEnv("ATLAS_API_TOKEN") && checkToken(req) === null;
}
/** POST /api/imports and GET /api/imports/<job> without ATLAS_API_TOKEN. */
export const IMPORTS_DISABLED: DisabledAnswer = {
  code: "IMPORTS_DISABLED",
  message: "imports disabled: ATLAS_API_TOKEN is not set on the server",
};

export function checkToken(req: Request, disabled: DisabledAnswer = RUNS_DISABLED): Response | null {
  const token = readEnv("ATLAS_API_TOKEN");
  if (!token) return errorResponse(503, disabled.code, disabled.message);
  const m = /^Bearer\s(.*)$/i.exec(req.headers.get("authorization") ?? "");
  const a = Buffer.from(m ? m[1].trim() : "");
  const b = Buffer.from(token);
  if (!m || a.length !== b.length || !timingSafeEqual(a, b))
    return errorResponse(401, "UNAUTHORIZED", "missing or wrong bearer token");
  return null;
}

export function parseRunId(raw: string): number | null {
  return parseId(raw);
}

/** The run endpoints' common start: the token, then a positive integer run id from the path. */
export async function authorisedRunId(
  req: Request,
  params: Promise<{ id: string }>,
): Promise<{ id: number; denied?: undefined } | { id?: undefined; denied: Response }> {
  const denied = checkToken(req);
  if (denied) return { denied };
  const id = parseRunId((await params).id);
  if (id === null)
    return { denied: errorResponse(400, "BAD_INPUT", "run id must be a positive integer", { field: "id" }) };
  return { id };
}
