"use client";
/** Unexpected errors of /reliability; expected ones show their own message in the page (components/ui/expected-errors.tsx). */
import { RouteError, type RouteErrorProps } from "@/components/ui/RouteError";

export default function ReliabilityError(props: RouteErrorProps) {
  return <RouteError {...props} resetHref="/reliability" />;
}
