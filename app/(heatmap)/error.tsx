"use client";
/** Unexpected errors of the heatmap; expected ones show their own message in the page (components/ui/expected-errors.tsx). */
import { RouteError, type RouteErrorProps } from "@/components/ui/RouteError";

export default function HeatmapError(props: RouteErrorProps) {
  return <RouteError {...props} resetHref="/" />;
}
