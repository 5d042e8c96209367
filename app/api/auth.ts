/**
 * Bearer-token check of the run endpoints (ATLAS_API_TOKEN; unset = the endpoints are disabled, 503).
 * The same contract as POST /api/imports. Returns an error Response, or null when authorised.
 */
import { timingSafeEqual } from "node:crypto";

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

export function checkToken(req: Request): Response | null {
  const token = process.env.ATLAS_API_TOKEN;
  if (!token)
    return errorResponse(
      503,
      "DISABLED",
      "run management disabled: ATLAS_API_TOKEN is not set on the server",
    );
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "");
  const a = Buffer.from(m ? m[1].trim() : "");
  const b = Buffer.from(token);
  if (!m || a.length !== b.length || !timingSafeEqual(a, b))
    return errorResponse(401, "UNAUTHORIZED", "missing or wrong bearer token");
  return null;
}

export function parseRunId(raw: string): number | null {
  return /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}
