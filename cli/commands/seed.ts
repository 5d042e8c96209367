import { endPools } from "../../lib/db/pool";
import { resolveDatabaseUrl } from "../../lib/db/url";
import { seedDemo } from "../seed";

export const summary = "load the demo data (published results, real per-question outputs, fixture model)";

export async function run(): Promise<number> {
  try {
    await seedDemo(await resolveDatabaseUrl());
  } finally {
    await endPools();
  }
  return 0;
}
