/**
 * Next.js proxy (runs before every page and API route except static files and /api/health): while the database
 * does not answer (lib/db/availability.ts), requests get 503 with a message and Retry-After instead of an error page —
 * JSON for /api/*, a small page that reloads itself for the rest — and pass through again as soon as it is back.
 */
import { NextResponse, type NextRequest } from "next/server";
import { databaseAvailability } from "./lib/db/availability";

const MESSAGE = "The database is not available right now (stopped, restarting or recovering). This page retries by itself.";

export async function proxy(request: NextRequest): Promise<NextResponse | undefined> {
  const url = process.env.DATABASE_URL;
  if (!url) return undefined;
  const { up, detail } = await databaseAvailability(url);
  if (up) return undefined;
  const headers = { "Retry-After": "2", "Cache-Control": "no-store" };
  if (request.nextUrl.pathname.startsWith("/api/"))
    return NextResponse.json({ error: { code: "UNAVAILABLE", message: `database unavailable: ${detail}` } }, { status: 503, headers });
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Database unavailable — Calibration Atlas</title></head><body style="font-family:system-ui;margin:3rem"><h1>Database unavailable</h1><p data-testid="unavailable">${MESSAGE}</p><p style="color:#666">${detail.replace(/[<>&]/g, "")}</p></body></html>`;
  return new NextResponse(html, { status: 503, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" } });
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/health).*)"],
};
