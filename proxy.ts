/**
 * Next.js proxy (formerly middleware): an invalid page link answers HTTP 400 — rewritten to /invalid-link, which
 * shows the same "Invalid link" panel as the page would — instead of a 200 with an error inside. The check is
 * lib/view-state/link-check.ts (the pages' own strict parse).
 */
import { NextResponse, type NextRequest } from "next/server";
import { checkLink } from "./lib/view-state/link-check";

export function proxy(req: NextRequest) {
  const bad = checkLink(req.nextUrl.pathname, req.nextUrl.searchParams);
  if (!bad) return NextResponse.next();
  const to = new URL("/invalid-link", req.url);
  to.searchParams.set("message", bad.message);
  to.searchParams.set("reset", bad.resetHref);
  return NextResponse.rewrite(to, { status: 400 });
}

export const config = {
  matcher: ["/", "/reliability", "/smoothing", "/results", "/questions", "/questions/:id", "/runs"],
};
