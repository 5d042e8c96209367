/**
 * Next.js proxy (the former middleware), run before every request but multipart uploads (see the matcher). In order:
 * 1. a Host header that is not allowed (DNS rebinding: a web site whose name resolves to 127.0.0.1 would otherwise
 *    read every page) gets 421 (lib/http/guard.ts);
 * 2. while the database does not answer (lib/db/availability.ts), requests get 503 with a message and Retry-After —
 *    JSON for /api/*, a small self-reloading page otherwise — and pass again as soon as it is back;
 * 3. every other response carries the security headers, with a fresh CSP nonce per request.
 *
 * Multipart uploads to /api/imports skip the proxy: Next.js copies the body of every request the proxy sees into
 * memory and silently cuts it at 10 MB (experimental proxyClientMaxBodySize), which would truncate imports. Those
 * requests need the bearer token, which a rebinding page does not have, and next.config.js still adds the static
 * security headers.
 */
import { NextResponse, type NextRequest } from "next/server";
import { allowedHosts, contentSecurityPolicy, hostAllowed, SECURITY_HEADERS } from "./lib/http/guard";
import { databaseAvailability } from "./lib/db/availability";

const UNAVAILABLE = "The database is not available right now (stopped, restarting or recovering). This page retries by itself.";
/** Paths served without the database: static files, and the health check that reports the database itself. */
const NO_DATABASE = /^\/(?:_next\/static|_next\/image|favicon\.ico|icon\.svg|api\/health)(?:\/|$)/;

function unavailable(request: NextRequest, detail: string): NextResponse {
  const headers = { "Retry-After": "2", "Cache-Control": "no-store", ...SECURITY_HEADERS };
  if (request.nextUrl.pathname.startsWith("/api/"))
    return NextResponse.json({ error: { code: "UNAVAILABLE", message: `database unavailable: ${detail}` } }, { status: 503, headers });
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Database unavailable — Calibration Atlas</title></head><body style="font-family:system-ui;margin:3rem"><h1>Database unavailable</h1><p data-testid="unavailable">${UNAVAILABLE}</p><p style="color:#666">${detail.replace(/[<>&]/g, "")}</p></body></html>`;
  return new NextResponse(html, { status: 503, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" } });
}

export async function proxy(request: NextRequest) {
  if (!hostAllowed(request.headers.get("host"), allowedHosts())) {
    return new NextResponse("Misdirected request: this host name is not served here (ATLAS_ALLOWED_HOSTS)\n", {
      status: 421,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...SECURITY_HEADERS },
    });
  }
  const url = process.env.DATABASE_URL;
  if (url && !NO_DATABASE.test(request.nextUrl.pathname)) {
    const { up, detail } = await databaseAvailability(url);
    if (!up) return unavailable(request, detail);
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) response.headers.set(k, v);
  return response;
}

export const config = {
  matcher: [
    "/((?!api/imports).*)",
    {
      source: "/api/imports/:path*",
      missing: [{ type: "header", key: "content-type", value: "multipart/form-data.*" }],
    },
  ],
};
