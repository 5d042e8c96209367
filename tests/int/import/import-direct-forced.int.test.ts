/**
 * The whole import suite (import.int.test.ts) again, with the direct path (direct-path.ts) tried on every import
 * however small (ATLAS_IMPORT_DIRECT_BYTES=0): every behaviour it checks must hold whichever path writes.
 */
import { afterAll, vi } from "vitest";

vi.stubEnv("ATLAS_IMPORT_DIRECT_BYTES", "0");
afterAll(() => vi.unstubAllEnvs());

await import("./import.int.test");
