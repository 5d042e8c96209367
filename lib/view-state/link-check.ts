/**
 * Which page links are invalid before any page renders, so that they answer HTTP 400 (proxy.ts) with the same
 * friendly "Invalid link" panel the page itself would show. Pure: the same strict parse the pages use.
 */
import { AtlasError } from "../errors";
import { parseId } from "../ids";
import { parseViewState, type SearchParams } from "./filters";

/** Pages whose query string is a view state, and where their "open the default view" link goes. */
export const VIEW_PAGES: Record<string, string> = {
  "/": "/",
  "/reliability": "/reliability",
  "/smoothing": "/smoothing",
  "/results": "/results",
  "/questions": "/reliability",
  "/runs": "/runs",
};

export interface InvalidLink {
  message: string;
  resetHref: string;
}

export function checkLink(pathname: string, params: URLSearchParams): InvalidLink | null {
  const q = /^\/questions\/([^/]+)$/.exec(pathname);
  if (q) {
    const id = decodeURIComponent(q[1]);
    return parseId(id) !== null
      ? null
      : { message: `field "id": invalid value "${id}": a question id is a positive integer`, resetHref: "/reliability" };
  }
  const reset = VIEW_PAGES[pathname];
  if (reset === undefined) return null;
  const sp: SearchParams = {};
  for (const k of new Set(params.keys())) sp[k] = params.getAll(k);
  try {
    parseViewState(sp, { strict: true });
    return null;
  } catch (e) {
    if (e instanceof AtlasError) return { message: e.message, resetHref: reset };
    throw e;
  }
}
