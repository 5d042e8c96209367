/**
 * Refusing requests that a web page on another site (or another port of localhost) makes the browser send: any
 * page can point an <img> or fetch() at http://localhost:3000, and an expensive GET is then a free way to occupy
 * the server. Browsers say where a request comes from (Sec-Fetch-Site; Origin on cross-origin requests and on
 * POSTs): only same-origin requests and user-initiated ones ("none": typed URL, bookmark) pass. Requests without
 * those headers (curl, scripts, tests) are not from a browser page and pass too.
 */
import { errorResponse } from "./auth";

export function refuseCrossSite(req: Request): Response | null {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none")
    return errorResponse(
      403,
      "CROSS_SITE",
      `refused: a ${site} request (only this site's own pages may ask)`,
    );
  const origin = req.headers.get("origin");
  if (origin !== null) {
    const host = req.headers.get("host") ?? new URL(req.url).host;
    let from: string | null = null;
    try {
      from = new URL(origin).host;
    } catch {
      // "null" (sandboxed frames, file://) or garbage: not this site
    }
    if (from !== host)
      return errorResponse(403, "CROSS_SITE", `refused: a request from ${origin} (not this site)`);
  }
  return null;
}
