"use client";
/** Unexpected errors of /runs; expected ones show their own message in the page (components/ui/expected-errors.tsx). */
import { RouteError, type RouteErrorProps } from "@/components/ui/RouteError";

export default function RunsError(props: RouteErrorProps) {
  return <RouteError {...props} resetHref="/runs" />;
}
