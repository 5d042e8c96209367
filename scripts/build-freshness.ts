/**
 * Whether the production build in .next is older than what it was built from (app/, components/, lib/, public/,
 * package.json): `npm run demo` and bench:views rebuild only then.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".") || e.name === "generated") continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function buildIsStale(root: string): boolean {
  const id = path.join(root, ".next/BUILD_ID");
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  return (
    ["app", "components", "lib", "public"].some(
      (d) => existsSync(path.join(root, d)) && newestMtime(path.join(root, d)) > built,
    ) || statSync(path.join(root, "package.json")).mtimeMs > built
  );
}
