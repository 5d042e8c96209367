/**
 * The whole import suite (import.int.test.ts) again, with the direct path (direct-path.ts) tried on every import
 * however small (ATLAS_IMPORT_DIRECT_BYTES=0): every behaviour it checks must hold whichever path writes.
 */
import { afterAll } from "vitest";

const saved = process.env.ATLAS_IMPORT_DIRECT_BYTES;
process.env.ATLAS_IMPORT_DIRECT_BYTES = "0";
afterAll(() => {
  if (saved === undefined) delete process.env.ATLAS_IMPORT_DIRECT_BYTES;
  else process.env.ATLAS_IMPORT_DIRECT_BYTES = saved;
});

await import("./import.int.test");
