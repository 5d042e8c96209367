import { useSyncExternalStore } from "react";

const noop = () => () => {};

/**
 * False during server rendering and hydration, true afterwards. Large charts render only in the browser: the
 * server sends their numbers (the page's props), not hundreds of kilobytes of SVG markup.
 */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}
