/**
 * Next.js proxy (the former middleware), run before every request (no matcher: pages, API routes and
 * static files alike). It refuses requests whose Host header is not allowed (DNS rebinding: a web
 * site whose name resolves to 127.0.0.1 would otherwise read every page) with 421, and puts the
 * security headers on every response, with a fresh CSP nonce per request (lib/http/guard.ts).
 *
 * One exception, by the matcher below: multipart uploads to /api/imports. Next.js copies the body of
 * every request the proxy sees into memory and silently cuts it at 10 MB (experimental
 * proxyClientMaxBodySize), which would truncate imports. Those requests need the bearer token, which
 * a rebinding page does not have, and next.config.js still adds the static security headers.
 */
import { NextResponse, type NextRequest } from "next/server";
import { allowedHosts, contentSecurityPolicy, hostAllowed, SECURITY_HEADERS } from "./lib/http/guard";

export function proxy(request: NextRequest) {
  if (!hostAllowed(request.headers.get("host"), allowedHosts())) {
    return new NextResponse("Misdirected request: this host name is not served here (ATLAS_ALLOWED_HOSTS)\n", {
      status: 421,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...SECURITY_HEADERS },
    });
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
