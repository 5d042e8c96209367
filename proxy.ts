/**
 * Next.js proxy (the former middleware), run before every request but multipart uploads (see the matcher). In order:
 * 1. a Host header that is not allowed (DNS rebinding: a web site whose name resolves to 127.0.0.1 would otherwise
 *    read every page) gets 421 (lib/http/guard.ts);
 * 2. while the database does not answer (lib/db/availability.ts), requests get 503 with a message and Retry-After —
 *    JSON for /api/*, a small self-reloading page otherwise — and pass again as soon as it is back;
 * 3. a view URL with `format=csv|json` is rewritten to the view's data twin under /api/views
 *    (lib/view-state/data-out.ts);
 * 4. an invalid page link answers 400 with /invalid-link's friendly page — the check is the pages' own strict parse
 *    (lib/view-state/link-check.ts) — instead of a 200 with an error inside;
 * every response carries the security headers, with a fresh CSP nonce per request.
 *
 * Multipart uploads to /api/imports skip the proxy: Next.js copies the body of every request the proxy sees into
 * memory and silently cuts it at 10 MB (experimental proxyClientMaxBodySize), which would truncate imports. Those
 * requests need the bearer token, which a rebinding page does not have, and next.config.js still adds the static
 * security headers.
 */
import { NextResponse, type NextRequest } from "next/server";
import { allowedHosts, contentSecurityPolicy, hostAllowed, SECURITY_HEADERS } from "./lib/http/guard";
import { databaseAvailability } from "./lib/db/availability";
import { DATA_TWINS } from "./lib/view-state/data-out";
import { checkLink } from "./lib/view-state/link-check";

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
  const bad = checkLink(request.nextUrl.pathname, request.nextUrl.searchParams);
  if (bad) return invalidLink(request, bad);
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  // The view's URL with format=csv|json answers the view's data (its /api/views twin, same parameters).
  const twin = DATA_TWINS[request.nextUrl.pathname];
  let response: NextResponse;
  if (twin && request.nextUrl.searchParams.has("format")) {
    const to = request.nextUrl.clone();
    to.pathname = twin;
    response = NextResponse.rewrite(to, { request: { headers: requestHeaders } });
  } else {
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  response.headers.set("Content-Security-Policy", csp);
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) response.headers.set(k, v);
  return response;
}

/**
 * A rewrite keeps the target's 200, so the friendly page is fetched from this server and answered with 400. It keeps
 * the fetched page's own CSP (its scripts carry that response's nonce).
 */
async function invalidLink(request: NextRequest, bad: { message: string; resetHref: string }): Promise<NextResponse> {
  const to = new URL("/invalid-link", request.url);
  to.searchParams.set("message", bad.message);
  to.searchParams.set("reset", bad.resetHref);
  try {
    const page = await fetch(to, {
      headers: { accept: request.headers.get("accept") ?? "text/html" },
      cache: "no-store",
    });
    const headers = new Headers({
      ...SECURITY_HEADERS,
      "Content-Type": page.headers.get("content-type") ?? "text/html; charset=utf-8",
      "Cache-Control": "no-store",
    });
    const csp = page.headers.get("content-security-policy");
    if (csp) headers.set("Content-Security-Policy", csp);
    return new NextResponse(page.body, { status: 400, headers });
  } catch {
    // The server cannot reach itself at the request's address (e.g. behind a reverse proxy): same page, status 200.
    const response = NextResponse.rewrite(to);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) response.headers.set(k, v);
    return response;
  }
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
