/**
 * A page's expected errors — an invalid URL parameter, an unknown id (AtlasError BAD_INPUT, NOT_FOUND, TOO_LARGE) —
 * render the "Invalid link" panel with their own message, on the server. They cannot be left to the segment's
 * error.tsx: in a production build Next.js replaces the message of an error thrown in a server component with a
 * generic one (only its digest reaches the browser), and "field "bins": invalid value …" is what the user needs
 * to read. Everything else — a failed query, a bug — propagates to error.tsx (components/ui/RouteError.tsx).
 *
 * Most invalid links never get here: proxy.ts answers them with 400 from the same parse (lib/view-state/link-check.ts).
 * This catches what only the page can know (a bin count the stored stats do not offer, pages the proxy does not
 * check) with the same panel.
 */
import type { ReactNode } from "react";
import { AtlasError, type AtlasErrorCode } from "@/lib/errors";
import { ErrorPanel } from "./ErrorPanel";

const EXPECTED: ReadonlySet<AtlasErrorCode> = new Set(["BAD_INPUT", "NOT_FOUND", "TOO_LARGE"]);

/** True for an error whose message is meant for the user. */
export function isExpectedError(e: unknown): e is AtlasError {
  return e instanceof AtlasError && EXPECTED.has(e.code);
}

/**
 * Wraps a server component (a page, or an async part of one that renders in its own Suspense boundary): its
 * expected errors become the panel, with a link to `resetHref` (the view's defaults).
 */
export function withExpectedErrors<P>(resetHref: string, render: (props: P) => Promise<ReactNode>): (props: P) => Promise<ReactNode> {
  return async function ExpectedErrors(props: P) {
    try {
      return await render(props);
    } catch (e) {
      if (isExpectedError(e)) return <ErrorPanel message={e.message} resetHref={resetHref} />;
      throw e;
    }
  };
}
