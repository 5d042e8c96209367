"use client";
/**
 * What a route segment's error.tsx shows for an unexpected error (expected ones render their own message:
 * expected-errors.tsx). In production Next.js passes only a generic message and the error's digest, which the
 * server log prints beside the real error; the panel shows the digest so a report can be matched with the log.
 */
import { useEffect } from "react";

export interface RouteErrorProps {
  error: Error & { digest?: string };
  reset: () => void;
  /** Next.js 16: renders the segment again from the server (reset only clears the boundary's state). */
  retry?: () => void;
}

export function RouteError({ error, reset, retry, resetHref }: RouteErrorProps & { resetHref: string }) {
  useEffect(() => {
    // The browser console keeps it too (in development with the real message and stack).
    console.error(error);
  }, [error]);
  return (
    <div className="error" role="alert" data-testid="route-error" data-digest={error.digest ?? ""}>
      <strong>Something went wrong on the server.</strong> This page could not be shown
      {process.env.NODE_ENV === "development" ? `: ${error.message}` : ""}.
      {error.digest ? ` Reference: ${error.digest} (the server log has the details under it).` : ""}{" "}
      <button type="button" onClick={retry ?? reset}>
        Try again
      </button>{" "}
      or <a href={resetHref}>open the default view</a>.
    </div>
  );
}
