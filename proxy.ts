/**
 * Next.js proxy (formerly middleware): an invalid page link answers HTTP 400 with /invalid-link's page, the same
 * "Invalid link" panel as the page would show, instead of a 200 with an error inside. The check is
 * lib/view-state/link-check.ts (the pages' own strict parse). A view URL with `format=csv|json` is rewritten to
 * the view's data twin under /api/views (lib/view-state/data-out.ts).
 */
import { NextResponse, type NextRequest } from "next/server";
import { checkLink } from "./lib/view-state/link-check";
import { DATA_TWINS } from "./lib/view-state/data-out";

export async function proxy(req: NextRequest) {
  // The view's URL with format=csv|json answers the view's data (its /api/views twin, same parameters).
  const twin = DATA_TWINS[req.nextUrl.pathname];
  if (twin && req.nextUrl.searchParams.has("format")) {
    const to = req.nextUrl.clone();
    to.pathname = twin;
    return NextResponse.rewrite(to);
  }
  const bad = checkLink(req.nextUrl.pathname, req.nextUrl.searchParams);
  if (!bad) return NextResponse.next();
  const to = new URL("/invalid-link", req.url);
  to.searchParams.set("message", bad.message);
  to.searchParams.set("reset", bad.resetHref);
  // A rewrite keeps the target's 200, so the friendly page is fetched and answered with 400 (invalid links only).
  try {
    const page = await fetch(to, { headers: { accept: req.headers.get("accept") ?? "text/html" }, cache: "no-store" });
    const headers = new Headers({ "content-type": page.headers.get("content-type") ?? "text/html; charset=utf-8", "cache-control": "no-store" });
    return new NextResponse(page.body, { status: 400, headers });
  } catch {
    // The server cannot reach itself at the request's host (e.g. behind a reverse proxy): same page, status 200.
    return NextResponse.rewrite(to);
  }
}

export const config = {
  matcher: ["/", "/reliability", "/smoothing", "/results", "/questions", "/questions/:id", "/runs"],
};
