"use client";
/** Unexpected errors of /resource-effect; expected ones show their own message in the page (components/ui/expected-errors.tsx). */
import { RouteError, type RouteErrorProps } from "@/components/ui/RouteError";

export default function ResourceEffectError(props: RouteErrorProps) {
  return <RouteError {...props} resetHref="/resource-effect" />;
}
